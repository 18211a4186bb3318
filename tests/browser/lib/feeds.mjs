// The rules of RFC 4287 that its schema cannot say (section 4.1.1 and 4.1.2: authors,
// alternate links, unique ids, RFC 3339 dates with a time zone), checked on the served
// atom.xml with the browser's XML parser; and the sitemap against the pages visited.

const ATOM = "http://www.w3.org/2005/Atom";

export async function checkFeed(browser, origin) {
  const tab = await browser.newPage();
  try {
    await tab.goto(origin + "/", { waitUntil: "load" });
    return await tab.evaluate(async (ATOM, origin) => {
      const problems = [];
      const r = await fetch("/atom.xml");
      const doc = new DOMParser().parseFromString(await r.text(), "application/xml");
      if (doc.querySelector("parsererror")) return ["atom.xml is not well-formed XML"];
      const feed = doc.documentElement;
      if (feed.namespaceURI !== ATOM || feed.localName !== "feed") return ["the root is not atom:feed"];
      const kids = (el, name) => [...el.children].filter((c) => c.namespaceURI === ATOM && c.localName === name);
      const rfc3339 = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/;
      const absolute = /^[a-zA-Z][a-zA-Z0-9+.-]*:\S+$/;
      const feedAuthor = kids(feed, "author").length > 0;
      const selfLink = kids(feed, "link").find((l) => l.getAttribute("rel") === "self");
      if (!selfLink) problems.push("the feed has no rel=self link (RFC 4287 4.1.1: SHOULD)");
      else if (!new URL(selfLink.getAttribute("href"), origin).pathname.endsWith("/atom.xml")) problems.push(`rel=self points to ${selfLink.getAttribute("href")}`);
      const ids = new Set();
      const checkDates = (el, where) => {
        for (const name of ["updated", "published"]) {
          for (const d of kids(el, name)) {
            if (!rfc3339.test(d.textContent.trim())) problems.push(`${where}: ${name} "${d.textContent}" is not an RFC 3339 date-time`);
          }
        }
      };
      checkDates(feed, "feed");
      const feedId = kids(feed, "id")[0];
      if (feedId && !absolute.test(feedId.textContent.trim())) problems.push(`the feed id "${feedId.textContent}" is not an absolute IRI`);
      const entries = kids(feed, "entry");
      for (const [i, e] of entries.entries()) {
        const where = `entry ${i + 1} (${(kids(e, "title")[0] || {}).textContent})`;
        const id = (kids(e, "id")[0] || {}).textContent || "";
        if (!absolute.test(id.trim())) problems.push(`${where}: id "${id}" is not an absolute IRI`);
        if (ids.has(id)) problems.push(`${where}: id ${id} is used twice`);
        ids.add(id);
        if (!feedAuthor && kids(e, "author").length === 0) problems.push(`${where}: no author, and the feed has none`);
        const alternates = kids(e, "link").filter((l) => (l.getAttribute("rel") || "alternate") === "alternate");
        if (kids(e, "content").length === 0 && alternates.length === 0) problems.push(`${where}: neither content nor an alternate link`);
        const pairs = alternates.map((l) => `${l.getAttribute("type")}|${l.getAttribute("hreflang")}`);
        if (new Set(pairs).size !== pairs.length) problems.push(`${where}: two alternate links with the same type and hreflang`);
        const content = kids(e, "content")[0];
        if (content && content.getAttribute("src") === null && !["text", "html", "xhtml", null].includes(content.getAttribute("type")) && kids(e, "summary").length === 0) {
          problems.push(`${where}: content of another type needs a summary`);
        }
        if (content && content.getAttribute("type") === "html") {
          // Relative links in the HTML must resolve: the feed or entry carries xml:base.
          const html = new DOMParser().parseFromString(content.textContent, "text/html");
          const rel = [...html.querySelectorAll("a[href^='/'], img[src^='/']")];
          if (rel.length && !feed.getAttributeNS("http://www.w3.org/XML/1998/namespace", "base") && !e.getAttributeNS("http://www.w3.org/XML/1998/namespace", "base")) {
            problems.push(`${where}: ${rel.length} site-relative links in the content and no xml:base`);
          }
        }
        checkDates(e, where);
      }
      return problems;
    }, ATOM, origin);
  } finally {
    await tab.close();
  }
}

export async function checkSitemap(origin, seen) {
  const problems = [];
  const text = await (await fetch(origin + "/sitemap.xml")).text();
  if (!text.startsWith("<?xml")) problems.push("sitemap.xml has no XML declaration");
  const locs = [...text.matchAll(/<url>([\s\S]*?)<\/url>/g)].map((m) => ({
    loc: (m[1].match(/<loc>([^<]*)<\/loc>/) || [])[1],
    lastmod: (m[1].match(/<lastmod>([^<]*)<\/lastmod>/) || [])[1],
  }));
  if (locs.length === 0) problems.push("no <url> in sitemap.xml");
  const paths = new Set();
  let dated = 0;
  for (const { loc, lastmod } of locs) {
    if (!loc || !/^https?:\/\//.test(loc)) problems.push(`<loc> "${loc}" is not an absolute URL`);
    else paths.add(new URL(loc).pathname);
    if (lastmod !== undefined) {
      dated++;
      if (!/^\d{4}(-\d\d(-\d\d)?)?$|^\d{4}-\d\d-\d\dT/.test(lastmod)) problems.push(`<lastmod> "${lastmod}" is not a W3C date`);
    }
  }
  if (dated === 0) problems.push("no page has a <lastmod>");
  for (const p of seen.keys()) {
    // A frozen version's pages repeat the current site's, so only its home and its
    // what-changed page are listed (/v/NAME/, /v/NAME/endringer/).
    const frozen = /^\/v\/[^/]+\/(?!endringer\/$|endringar\/$)./.test(p);
    if (p !== "/404.html" && !/^(\/v\/[^/]+)?\/sok\//.test(p) && !frozen && !paths.has(p)) problems.push(`${p} is not in the sitemap`);
  }
  for (const p of paths) {
    if (!seen.has(p)) problems.push(`the sitemap lists ${p}, which is not a page`);
  }
  return problems;
}
