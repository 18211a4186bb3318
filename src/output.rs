//! Record to URL and URL to output file: the one place addresses are made. URL words
//! follow the site's default language. Site paths start with `/` and leave out the base
//! path; `href` adds it.

use std::borrow::Cow;
use std::path::{Path, PathBuf};

use crate::model::Lang;

/// The words in addresses, per default language.
#[derive(Debug, Clone, Copy)]
pub struct Words {
    pub initiatives: &'static str,
    pub actors: &'static str,
    pub roles: &'static str,
    pub timeline: &'static str,
    pub tags: &'static str,
    pub search: &'static str,
    /// What changed since the version before: `/endringer/`, `/v/<NAME>/endringer/`.
    pub changes: &'static str,
}

const NB: Words = Words {
    initiatives: "initiativ",
    actors: "aktorer",
    roles: "roller",
    timeline: "tidslinje",
    tags: "tags",
    search: "sok",
    changes: "endringer",
};

const NN: Words = Words {
    initiatives: "initiativ",
    actors: "aktorar",
    roles: "roller",
    timeline: "tidsline",
    tags: "tags",
    search: "sok",
    changes: "endringar",
};

/// Where frozen versions live: `/v/` lists them, `/v/<NAME>/` is one. The same word in
/// every language, so a version's address never changes.
pub const VERSIONS: &str = "/v/";

/// Builds site paths, optionally below a version prefix (`/v/2021/`).
#[derive(Debug, Clone)]
pub struct Urls {
    pub words: Words,
    /// `` for the current site, `/v/NAME` for a frozen version.
    pub prefix: String,
    /// The host path the site lives under (`` or `/policy`), for hrefs.
    pub base_path: String,
}

impl Urls {
    pub fn new(lang: Lang, prefix: &str, base_path: &str) -> Urls {
        Urls {
            words: match lang {
                Lang::Nb => NB,
                Lang::Nn => NN,
            },
            prefix: prefix.to_owned(),
            base_path: base_path.to_owned(),
        }
    }

    pub fn home(&self) -> String {
        format!("{}/", self.prefix)
    }
    pub fn initiatives(&self) -> String {
        format!("{}/{}/", self.prefix, self.words.initiatives)
    }
    pub fn initiative(&self, id: &str) -> String {
        format!("{}/{}/{id}/", self.prefix, self.words.initiatives)
    }
    pub fn actors(&self) -> String {
        format!("{}/{}/", self.prefix, self.words.actors)
    }
    pub fn actor(&self, id: &str) -> String {
        format!("{}/{}/{id}/", self.prefix, self.words.actors)
    }
    pub fn roles(&self) -> String {
        format!("{}/{}/", self.prefix, self.words.roles)
    }
    pub fn timeline(&self) -> String {
        format!("{}/{}/", self.prefix, self.words.timeline)
    }
    pub fn timeline_of(&self, id: &str) -> String {
        format!("{}/{}/{id}/", self.prefix, self.words.timeline)
    }
    pub fn timeline_of_actor(&self, id: &str) -> String {
        format!(
            "{}/{}/{}/{id}/",
            self.prefix, self.words.timeline, self.words.actors
        )
    }
    /// The timeline's events as an iCalendar file: `/tidslinje.ics`.
    pub fn calendar(&self) -> String {
        format!("{}/{}.ics", self.prefix, self.words.timeline)
    }
    pub fn tags(&self) -> String {
        format!("{}/{}/", self.prefix, self.words.tags)
    }
    pub fn tag(&self, tag: &str) -> String {
        format!(
            "{}/{}/{}/",
            self.prefix,
            self.words.tags,
            crate::model::slugify(tag)
        )
    }
    pub fn search(&self) -> String {
        format!("{}/{}/", self.prefix, self.words.search)
    }
    /// The index the search page's script reads.
    pub fn search_index(&self) -> String {
        format!("{}index.json", self.search())
    }
    /// A page or section: `artikler/x` to `/artikler/x/`; the root section is the home page.
    pub fn page(&self, slug_path: &str) -> String {
        if slug_path.is_empty() {
            self.home()
        } else {
            format!("{}/{slug_path}/", self.prefix)
        }
    }
    pub fn file(&self, name: &str) -> String {
        format!("{}/{name}", self.prefix)
    }
    /// What changed in this site since the version before it.
    pub fn changes(&self) -> String {
        format!("{}/{}/", self.prefix, self.words.changes)
    }
    /// The home of the frozen version `name`.
    pub fn version(name: &str) -> String {
        format!("{VERSIONS}{name}/")
    }
    /// The prefix of the frozen version `name`: `/v/<NAME>`.
    pub fn version_prefix(name: &str) -> String {
        format!("{VERSIONS}{name}")
    }

    /// A root-relative address written in content (a link, a menu item) as a path of
    /// this site: `/tidslinje/` in a version is that version's timeline. Addresses in
    /// `/v/` point at the versions themselves and are left alone.
    pub fn site(&self, written: &str) -> String {
        if written.starts_with(VERSIONS) || written == VERSIONS.trim_end_matches('/') {
            written.to_owned()
        } else {
            format!("{}{written}", self.prefix)
        }
    }

    /// What goes in an `href`: the site path below the base path.
    pub fn href(&self, site_path: &str) -> String {
        format!("{}{site_path}", self.base_path)
    }
}

/// The file a site path is written to, below the output folder.
pub fn file_for(out: &Path, site_path: &str) -> PathBuf {
    out.join(&*file_below(site_path))
}

/// The file of the address `site_path` below the output folder, with `/` between
/// folders: `index.html` in the folder of an address ending in `/`.
pub fn file_below(site_path: &str) -> Cow<'_, str> {
    let rel = site_path.trim_start_matches('/');
    if rel.is_empty() || rel.ends_with('/') {
        Cow::Owned(format!("{rel}index.html"))
    } else {
        Cow::Borrowed(rel)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_follow_the_language() {
        let nb = Urls::new(Lang::Nb, "", "");
        assert_eq!(nb.actor("ks"), "/aktorer/ks/");
        assert_eq!(nb.timeline(), "/tidslinje/");
        assert_eq!(nb.calendar(), "/tidslinje.ics");
        let nn = Urls::new(Lang::Nn, "/v/2021", "/sub");
        assert_eq!(nn.actor("ks"), "/v/2021/aktorar/ks/");
        assert_eq!(nn.href(&nn.home()), "/sub/v/2021/");
        assert_eq!(nb.page(""), "/");
        assert_eq!(nb.tag("Tillit og omdømme"), "/tags/tillit-og-omdomme/");
        assert_eq!(nb.changes(), "/endringer/");
        assert_eq!(nn.changes(), "/v/2021/endringar/");
    }

    #[test]
    fn content_addresses_stay_inside_their_version() {
        let v = Urls::new(Lang::Nb, &Urls::version_prefix("2021"), "");
        assert_eq!(v.site("/tidslinje/"), "/v/2021/tidslinje/");
        assert_eq!(v.site("/"), "/v/2021/");
        assert_eq!(v.site("/v/"), "/v/");
        assert_eq!(v.site("/v/2020/"), "/v/2020/");
        assert_eq!(Urls::new(Lang::Nb, "", "").site("/roller/"), "/roller/");
    }

    #[test]
    fn files_for_paths() {
        let out = Path::new("/o");
        assert_eq!(file_for(out, "/"), PathBuf::from("/o/index.html"));
        assert_eq!(file_for(out, "/a/b/"), PathBuf::from("/o/a/b/index.html"));
        assert_eq!(file_for(out, "/atom.xml"), PathBuf::from("/o/atom.xml"));
        assert_eq!(file_below("/"), "index.html");
        assert_eq!(file_below("/a/b/"), "a/b/index.html");
        assert_eq!(file_below("/sok/ord/3.bin"), "sok/ord/3.bin");
    }
}
