//! The manual pages: `mandat.1` and one `mandat-<command>.1` per command, rendered from
//! the command-line definition itself, so that they say what `mandat --help` says.

use std::path::{Path, PathBuf};

use clap_mangen::roff::{bold, italic, roman, Roff};
use clap_mangen::Man;

use crate::error::Error;

/// Where the Debian package puts the guides that the pages point to.
const DOC_DIR: &str = "/usr/share/doc/mandat";

/// The page `mandat.1`: the commands, then what a person looking up the tool needs
/// besides (exit status, environment, the site's files, where the guides are).
pub fn main_page(cmd: &clap::Command) -> Vec<u8> {
    let cmd = prepared(cmd.clone());
    let mut extra = Roff::new();
    exit_status(&mut extra);
    environment(&mut extra);
    files(&mut extra);
    see_also(&mut extra, &visible_commands(&cmd));
    page(&cmd, &extra)
}

/// Writes `mandat.1` and a page for each command into `dir` (created if missing), and
/// returns their paths.
pub fn write_pages(cmd: &clap::Command, dir: &Path) -> Result<Vec<PathBuf>, Error> {
    let cmd = prepared(cmd.clone());
    let mut written = Vec::new();
    let top = dir.join(format!("{}.1", cmd.get_name()));
    crate::fs::write(&top, &main_page(&cmd))?;
    written.push(top);
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        let mut extra = Roff::new();
        extra.control("SH", ["SEE ALSO"]);
        extra.text([bold(cmd.get_name()), roman("(1)")]);
        let path = dir.join(format!("{}.1", display_name(sub)));
        crate::fs::write(&path, &page(sub, &extra))?;
        written.push(path);
    }
    Ok(written)
}

/// One page: clap_mangen's sections for `cmd`, then `extra`. The sections are rendered
/// one by one to write the title line here: clap_mangen leaves out an empty date, which
/// shifts the title's other fields, and a page without a date is the same whenever it
/// is made.
fn page(cmd: &clap::Command, extra: &Roff) -> Vec<u8> {
    let man = Man::new(cmd.clone());
    let mut page = Roff::new().render().into_bytes();
    page.extend_from_slice(
        format!(
            ".TH {} 1 \"\" \"{} {}\" \"User Commands\"\n",
            display_name(cmd),
            cmd.get_bin_name()
                .unwrap_or_else(|| cmd.get_name())
                .split(' ')
                .next()
                .unwrap_or_default(),
            cmd.get_version().unwrap_or_default()
        )
        .as_bytes(),
    );
    // Each section starts with the two lines that make groff print apostrophes as
    // apostrophes; the page has them once, at the top.
    let preamble = Roff::new().render().into_bytes();
    let mut add = |render: &dyn Fn(&mut Vec<u8>) -> std::io::Result<()>| {
        let mut part = Vec::new();
        // Writing into a Vec<u8> cannot fail.
        let _ = render(&mut part);
        page.extend_from_slice(part.strip_prefix(preamble.as_slice()).unwrap_or(&part));
    };
    add(&|w| man.render_name_section(w));
    add(&|w| man.render_synopsis_section(w));
    add(&|w| man.render_description_section(w));
    if cmd.get_arguments().any(|a| !a.is_hide_set()) {
        add(&|w| man.render_options_section(w));
    }
    if cmd.get_subcommands().any(|s| !s.is_hide_set()) {
        add(&|w| man.render_subcommands_section(w));
    }
    add(&|w| extra.to_writer(w));
    if cmd.get_version().is_some() {
        add(&|w| man.render_version_section(w));
    }
    page
}

fn display_name(cmd: &clap::Command) -> &str {
    cmd.get_display_name().unwrap_or_else(|| cmd.get_name())
}

/// The command as the pages show it: built (so that each command knows its display
/// name, `mandat-build`) and without clap's own `help` command.
fn prepared(cmd: clap::Command) -> clap::Command {
    let mut cmd = cmd.disable_help_subcommand(true);
    cmd.build();
    cmd
}

fn visible_commands(cmd: &clap::Command) -> Vec<String> {
    cmd.get_subcommands()
        .filter(|s| !s.is_hide_set())
        .map(|s| display_name(s).to_owned())
        .collect()
}

fn exit_status(roff: &mut Roff) {
    roff.control("SH", ["EXIT STATUS"]);
    for (code, meaning) in [
        ("0", "The command did what it was asked."),
        (
            "1",
            "A problem in the site's files (each is printed with its file, line and column, \
             and what to do), or the system failed the command. A failed build writes \
             nothing: the previous output stays as it was.",
        ),
        ("2", "The command was called wrongly."),
    ] {
        roff.control("TP", []);
        roff.text([bold(code)]);
        roff.text([roman(meaning)]);
    }
}

fn environment(roff: &mut Roff) {
    roff.control("SH", ["ENVIRONMENT"]);
    roff.control("TP", []);
    roff.text([bold("NO_COLOR")]);
    roff.text([roman(
        "When set and not empty, problems are printed without colour.",
    )]);
    roff.control("TP", []);
    roff.text([bold("MANDAT_TIMINGS")]);
    roff.text([roman(
        "When set and not empty, build prints how long each phase took and which outputs took longest.",
    )]);
}

fn files(roff: &mut Roff) {
    roff.control("SH", ["FILES"]);
    for (path, what) in [
        (
            "content/site.yaml",
            "The site: title, base_url, language, as_of date, menu.",
        ),
        ("content/actors/", "One actor per file (ID.yaml)."),
        (
            "content/initiatives/",
            "One forum, agreement, strategy, reform or programme per file (ID.md).",
        ),
        ("content/events/", "Timeline events, a list per file."),
        (
            "content/pages/",
            "Fact pages and articles (Markdown); folders are sections.",
        ),
        (
            "content/versions/",
            "Frozen earlier versions, made by mandat release.",
        ),
        (
            "themes/",
            "Optional: files that replace those of the built-in theme.",
        ),
        ("output/", "What mandat build writes: the site to publish."),
    ] {
        roff.control("TP", []);
        roff.text([italic(path)]);
        roff.text([roman(what)]);
    }
}

fn see_also(roff: &mut Roff, commands: &[String]) {
    roff.control("SH", ["SEE ALSO"]);
    let mut line = Vec::new();
    for (i, name) in commands.iter().enumerate() {
        if i > 0 {
            line.push(roman(", "));
        }
        line.push(bold(name.as_str()));
        line.push(roman("(1)"));
    }
    roff.text(line);
    roff.control("PP", []);
    roff.text([
        roman("The guide for writers (in Norwegian) is "),
        italic(format!("{DOC_DIR}/writing.md")),
        roman(", the reference of every field "),
        italic(format!("{DOC_DIR}/format.md")),
        roman(", and rules for nginx "),
        italic(format!("{DOC_DIR}/examples/nginx.conf")),
        roman(" (where the package installed them; otherwise docs/ and deploy/ in the source)."),
    ]);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cli() -> clap::Command {
        clap::Command::new("tool")
            .version("1.2.3")
            .about("Does things.")
            .subcommand(
                clap::Command::new("go")
                    .about("Goes.")
                    .arg(clap::Arg::new("fast").long("fast").help("Goes fast.")),
            )
            .subcommand(clap::Command::new("secret").hide(true))
    }

    #[test]
    fn the_main_page_lists_the_visible_commands_and_the_extra_sections() {
        let page = String::from_utf8(main_page(&cli())).unwrap();
        assert!(page.contains("\n.TH tool 1 \"\" \"tool 1.2.3\" \"User Commands\"\n"));
        assert_eq!(
            page.matches(".ds Aq").count(),
            2,
            "the preamble once: {page}"
        );
        for section in [
            "NAME",
            "SYNOPSIS",
            "SUBCOMMANDS",
            "\"EXIT STATUS\"",
            "ENVIRONMENT",
        ] {
            assert!(
                page.contains(&format!("\n.SH {section}\n")),
                "{section} in {page}"
            );
        }
        assert!(page.contains("tool\\-go(1)"), "{page}");
        assert!(!page.contains("secret"), "{page}");
        assert!(!page.contains("tool\\-help"), "{page}");
    }

    #[test]
    fn write_pages_writes_one_page_per_visible_command() {
        let dir = tempfile::tempdir().unwrap();
        let written = write_pages(&cli(), dir.path()).unwrap();
        let names: Vec<_> = written
            .iter()
            .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, ["tool.1", "tool-go.1"]);
        let go = std::fs::read_to_string(dir.path().join("tool-go.1")).unwrap();
        assert!(go.contains("\\-\\-fast"), "{go}");
        assert!(go.contains(".SH \"SEE ALSO\""), "{go}");
    }
}
