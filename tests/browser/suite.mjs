// The reader's-eye test of mandat's output. Builds the default site, serves it through
// nginx with deploy/nginx.conf, and in headless Chromium checks every page: axe-core
// (WCAG 2.0/2.1 A and AA, no violation allowed), the Nu HTML checker, every internal
// link and #anchor, no horizontal scroll at 320 px, no console error or CSP violation,
// the keyboard path, search, the feed, the sitemap and the server's headers; then takes
// screenshots of every kind of page at 1280 and 390 px into screenshots/.
//
//   npm --prefix tests/browser test            (after `npm --prefix tests/browser ci`)
//   MANDAT_BIN=target/release/mandat ...       use a built binary instead of `cargo build`
//   SITE_ROOT=tests/fixtures/basic ...         check another site than the repository's
//   SITE_OUT=dir ...                           check an already built output folder (copied)
//   KEEP=1 ...                                 keep the built site and the nginx folder
//   ONLY=search ...                            only the server headers and search

import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { createRequire } from "node:module";

import puppeteer from "puppeteer-core";

import { REPO, buildSite, htmlPages, mandatBinary, redirectPages, startNginx } from "./lib/site.mjs";
import { checkFeed, checkSitemap } from "./lib/feeds.mjs";
import { runVnu, vnuFiles } from "./lib/vnu.mjs";
import { mandatQuery, serve as serveFolder } from "../../bench/search_bytes.mjs";

const require = createRequire(import.meta.url);
const HERE = import.meta.dirname;
const AXE_SOURCE = fs.readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
const AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];
// The suite's screenshots of every kind of page (not committed; screenshots.sh makes the
// committed ones).
const SHOTS = path.join(HERE, "screenshots", "all");
const CHROMIUM = process.env.CHROMIUM || "/usr/bin/chromium";
const ONLY = process.env.ONLY || "";
/// Thrown to end a narrowed run early.
class Skip extends Error {}
// One query may fetch at most this much (page, styles, scripts and index files).
const QUERY_BUDGET = 300 * 1024;

// ---------------------------------------------------------------- results
const results = [];
let group = "";

/// Records one test: `problems` is an array of strings, empty when it passed.
function record(name, problems) {
  const ok = problems.length === 0;
  results.push({ group, name, ok, problems });
  if (!ok) {
    console.log(`  FAIL ${name}`);
    for (const p of problems.slice(0, 12)) console.log(`       ${p.split("\n").join("\n       ")}`);
    if (problems.length > 12) console.log(`       … and ${problems.length - 12} more`);
  }
}

function startGroup(name) {
  group = name;
  console.log(`\n${name}`);
}

function endGroup() {
  const mine = results.filter((r) => r.group === group);
  const failed = mine.filter((r) => !r.ok).length;
  console.log(`  ${mine.length - failed} of ${mine.length} passed`);
}

async function attempt(name, fn) {
  try {
    record(name, (await fn()) || []);
  } catch (e) {
    record(name, [`threw: ${e && e.stack ? e.stack : e}`]);
  }
}

// ---------------------------------------------------------------- the run
const work = fs.mkdtempSync(path.join(os.tmpdir(), "mandat-browser-"));
const docroot = path.join(work, "site");
const siteRoot = path.resolve(REPO, process.env.SITE_ROOT || ".");
let server = null;
let browser = null;

try {
  startGroup("build");
  if (process.env.SITE_OUT) {
    fs.cpSync(path.resolve(process.env.SITE_OUT), docroot, { recursive: true });
    console.log(`  checking the built site in ${process.env.SITE_OUT}`);
  } else {
    const built = buildSite(mandatBinary(), siteRoot, docroot);
    console.log(`  ${built.line}`);
  }
  const pages = htmlPages(docroot);
  record("the site builds", pages.length > 0 ? [] : ["no HTML pages were written"]);
  // Deployments serve .ics with the right type; make sure there is one to ask for.
  const icsProbe = !walkFiles(docroot).some((f) => f.endsWith(".ics"));
  if (icsProbe) fs.writeFileSync(path.join(docroot, "probe.ics"), "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n");
  endGroup();

  // The Nu checker runs in its own Java process while the browser works.
  const vnu = ONLY === "search" ? null : runVnu(docroot, path.join(HERE, "atom.rnc"));

  server = await startNginx(docroot, work);
  const origin = server.origin;
  console.log(`\nserving ${docroot} at ${origin} through deploy/nginx.conf`);

  startGroup("server headers (deploy/nginx.conf)");
  await headerTests(origin, docroot, icsProbe);
  endGroup();

  const userDataDir = fs.mkdtempSync(path.join(work, "chromium-"));
  browser = await puppeteer.launch({
    executablePath: CHROMIUM,
    headless: true,
    userDataDir,
    args: [
      "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync",
      "--disable-dev-shm-usage", "--font-render-hinting=none",
    ],
  });

  let seen = null;
  if (ONLY !== "search") {
    startGroup(`every page (${pages.length}): axe-core, console, 320 px layout`);
    seen = await pageTests(browser, origin, pages);
    endGroup();

    startGroup("links and anchors");
    await linkTests(origin, seen);
    endGroup();

    if (redirectPages(docroot).length) {
      startGroup("pages at old addresses (aliases)");
      await redirectPageTests(browser, origin, docroot);
      endGroup();
    }

    startGroup("keyboard, motion and print");
    await keyboardTests(browser, origin);
    endGroup();
  }

  startGroup("search");
  await searchTests(browser, origin);
  endGroup();

  startGroup("search on a generated site of 3,000 pages: bytes per query");
  await searchBytesTests(browser, work);
  endGroup();
  if (ONLY === "search") throw new Skip();

  startGroup("feed and sitemap");
  await attempt("atom.xml: elements and rules of RFC 4287", () => checkFeed(browser, origin));
  await attempt("sitemap.xml: every page, with valid lastmod", () => checkSitemap(origin, seen));
  endGroup();

  startGroup("Nu HTML checker (vnu)");
  const checked = await vnu;
  for (const [file, problems] of checked.files) {
    record(`vnu ${path.relative(docroot, file) || file}`, problems);
  }
  record("vnu atom.xml against the RFC 4287 schema", checked.feed);
  if (checked.warnings.length) {
    console.log(`  (${checked.warnings.length} warnings, not counted: ${[...new Set(checked.warnings)].slice(0, 5).join(" | ")})`);
  }
  endGroup();

  startGroup("layout at 1280 and 390 px");
  await layoutTests(browser, origin, seen);
  endGroup();

  startGroup("screenshots");
  await attempt("screenshots of every kind of page at 1280 and 390 px", () => screenshots(browser, origin, seen));
  endGroup();

  if (!process.env.SITE_OUT && !process.env.SITE_ROOT) {
    startGroup("the default site with the Digdir brand and a right-aligned table (fixtures/)");
    await brandTests(browser, work);
    endGroup();
    startGroup("the default site in lists of 3 (page_size): the pagers");
    await listTests(browser, work);
    endGroup();
  }

  const log = fs.existsSync(server.errorLog) ? fs.readFileSync(server.errorLog, "utf8").trim() : "";
  const serious = log.split("\n").filter((l) => /\[(error|crit|alert|emerg)\]/.test(l) && !/No such file|not found/.test(l));
  startGroup("server log");
  record("nginx logged no errors beyond missing files", serious);
  endGroup();
} catch (e) {
  if (!(e instanceof Skip)) record("the suite ran to the end", [`${e && e.stack ? e.stack : e}`]);
} finally {
  if (browser) await browser.close().catch(() => {});
  if (server) server.stop();
  if (process.env.KEEP) console.log(`\nkept ${work}`);
  else fs.rmSync(work, { recursive: true, force: true });
}

const failed = results.filter((r) => !r.ok);
console.log("\nsummary");
const groups = [...new Set(results.map((r) => r.group))];
for (const g of groups) {
  const mine = results.filter((r) => r.group === g);
  const bad = mine.filter((r) => !r.ok);
  console.log(`  ${bad.length ? "FAIL" : "ok  "} ${g}: ${mine.length - bad.length}/${mine.length}`);
}
if (failed.length) {
  console.log("\nfailed:");
  for (const r of failed) console.log(`  ${r.group} › ${r.name}`);
}
console.log(`${results.length - failed.length} passed, ${failed.length} failed`);
process.exitCode = failed.length ? 1 : 0;

// ---------------------------------------------------------------- helpers

function walkFiles(dir) {
  const out = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...walkFiles(p));
    else out.push(p);
  }
  return out;
}

async function headerTests(origin, docroot, icsProbe) {
  const get = (p, init = {}) => fetch(origin + p, { redirect: "manual", ...init });
  const security = (r) => {
    const problems = [];
    const csp = r.headers.get("content-security-policy") || "";
    if (!/default-src 'self'/.test(csp)) problems.push(`Content-Security-Policy is "${csp}"`);
    if (/unsafe-inline|unsafe-eval/.test(csp)) problems.push("the policy allows unsafe-inline or unsafe-eval");
    if (r.headers.get("x-content-type-options") !== "nosniff") problems.push("no X-Content-Type-Options: nosniff");
    if (!r.headers.get("referrer-policy")) problems.push("no Referrer-Policy");
    return problems;
  };
  const expect = (name, r, status, type, more = []) => {
    const problems = [];
    if (r.status !== status) problems.push(`status ${r.status}, expected ${status}`);
    const ct = r.headers.get("content-type") || "";
    if (type && !ct.startsWith(type)) problems.push(`Content-Type "${ct}", expected ${type}`);
    record(name, [...problems, ...security(r), ...more]);
  };

  const home = await get("/");
  expect("/ is HTML in UTF-8, revalidated on every visit", home, 200, "text/html; charset=utf-8",
    /no-cache/.test(home.headers.get("cache-control") || "") ? [] : [`Cache-Control "${home.headers.get("cache-control")}"`]);
  const css = fs.readdirSync(path.join(docroot, "assets")).find((f) => /^style\.[0-9a-f]+\.css$/.test(f));
  if (!css) record("the stylesheet has a hashed name", ["no assets/style.<hash>.css"]);
  else {
    const r = await get(`/assets/${css}`, { headers: { "accept-encoding": "gzip" } });
    const cc = r.headers.get("cache-control") || "";
    const more = [];
    if (!/max-age=31536000/.test(cc)) more.push(`Cache-Control "${cc}", expected a year`);
    if (r.headers.get("content-encoding") !== "gzip") more.push("not compressed with gzip");
    expect(`/assets/${css} is cached for a year and compressed`, r, 200, "text/css", more);
  }
  const redirect = await get("/tidslinje");
  expect("/tidslinje redirects to /tidslinje/", redirect, 301, null,
    redirect.headers.get("location") === "/tidslinje/" ? [] : [`Location "${redirect.headers.get("location")}"`]);
  await redirectTests(origin, docroot);
  const missing = await get("/finnes-ikke/");
  const body = await missing.text();
  expect("an unknown address answers 404 with the site's page", missing, 404, "text/html",
    /<main/.test(body) && /<h1/.test(body) ? [] : ["the 404 answer is not the site's 404 page"]);
  for (const [p, type] of [
    ["/atom.xml", "application/atom+xml"], ["/sitemap.xml", "text/xml"],
    ["/robots.txt", "text/plain"], ["/data/records.json", "application/json"],
    ["/sok/index.json", "application/json"],
  ]) {
    if (fs.existsSync(path.join(docroot, p))) expect(`${p} is served as ${type}`, await get(p), 200, type);
  }
  const ics = icsProbe ? ["/probe.ics"] : walkFiles(docroot).filter((f) => f.endsWith(".ics")).slice(0, 3)
    .map((f) => "/" + path.relative(docroot, f).split(path.sep).join("/"));
  for (const p of ics) expect(`${p} is served as text/calendar`, await get(p), 200, "text/calendar");
  const marker = await get("/.mandat-output");
  record("hidden files are not served", marker.status === 404 ? [] : [`/.mandat-output answered ${marker.status}`]);
}

/// Visits every page once; returns per path what it holds (ids, links) for the link test.
async function pageTests(browser, origin, pages) {
  const seen = new Map();
  const watch = await watchedTab(browser, 1280, 900);
  const tab = watch.tab;
  tab.on("requestfailed", (r) => watch.messages.push(`request failed: ${r.url()} ${r.failure() && r.failure().errorText}`));
  tab.on("response", (r) => {
    if (r.status() >= 400 && !r.url().includes("/finnes-ikke")) watch.messages.push(`${r.status()} for ${r.url()}`);
  });
  // The 404 page is meant to answer 404; Chromium logs that as a console error.
  const expected = (m) => /status of 404/.test(m) && tab.url().includes("/finnes-ikke");

  for (const p of pages) {
    // The 404 page is what an unknown address shows.
    const url = p.path === "/404.html" ? `${origin}/finnes-ikke/` : origin + p.path;
    watch.messages = [];
    let response;
    try {
      response = await tab.goto(url, { waitUntil: "load", timeout: 30000 });
    } catch (e) {
      record(`${p.path}: loads`, [String(e)]);
      continue;
    }
    const wanted = p.path === "/404.html" ? 404 : 200;
    const loadProblems = response && response.status() === wanted ? [] : [`status ${response && response.status()}`];

    record(`${p.path}: axe-core`, await axeViolations(tab));

    const info = await tab.evaluate(() => ({
      lang: document.documentElement.lang,
      title: document.title,
      ids: [...document.querySelectorAll("[id]")].map((e) => e.id),
      names: [...document.querySelectorAll("a[name]")].map((e) => e.name),
      links: [...document.querySelectorAll("a[href], area[href]")].map((a) => ({ href: a.href, text: a.textContent.trim() })),
      resources: [...document.querySelectorAll("link[href]")].map((l) => l.href),
      inlineScripts: document.querySelectorAll("script:not([src])").length,
      styleAttrs: document.querySelectorAll("[style]").length,
      h1: document.querySelectorAll("h1").length,
      headings: [...document.querySelectorAll("h1, h2, h3, h4, h5, h6")].map((h) => [+h.tagName[1], h.textContent.trim().slice(0, 40)]),
      landmarks: ["header", "nav", "main", "footer"].filter((t) => !document.querySelector(t)),
      description: (document.querySelector('meta[name="description"]') || {}).content || "",
    }));
    const basics = [...loadProblems];
    if (!["nb", "nn"].includes(info.lang)) basics.push(`<html lang="${info.lang}">`);
    if (!info.title) basics.push("no <title>");
    if (info.h1 !== 1) basics.push(`${info.h1} <h1> elements`);
    // The outline: it starts at h1 and never skips a level on the way down.
    info.headings.forEach(([level, text], i) => {
      const before = i === 0 ? 0 : info.headings[i - 1][0];
      if (level > before + 1) basics.push(`heading outline: h${level} "${text}" follows h${before}`);
    });
    if (info.landmarks.length) basics.push(`no <${info.landmarks.join(">, <")}> landmark`);
    if (info.inlineScripts) basics.push(`${info.inlineScripts} inline <script> elements`);
    if (info.styleAttrs) basics.push(`${info.styleAttrs} style attributes`);
    if (!info.description) basics.push("no meta description");
    record(`${p.path}: lang, title, landmarks, heading outline, no inline script or style, no console error`, [...basics, ...watch.messages.filter((m) => !expected(m))]);

    await tab.setViewport({ width: 320, height: 800 });
    const overflow = await tab.evaluate(() => {
      const width = document.documentElement.clientWidth;
      if (document.documentElement.scrollWidth <= width) return [];
      return [`the page is ${document.documentElement.scrollWidth} px wide`, ...[...document.querySelectorAll("body *")]
        .filter((e) => e.getBoundingClientRect().right > width + 1 && getComputedStyle(e).position !== "absolute")
        .filter((e) => !e.closest(".table-scroll"))
        .slice(0, 5)
        .map((e) => `too wide: <${e.tagName.toLowerCase()} class="${e.className}"> ${Math.round(e.getBoundingClientRect().right)} px`)];
    });
    record(`${p.path}: no horizontal scroll at 320 px`, overflow);
    await tab.setViewport({ width: 1280, height: 900 });

    seen.set(p.path, { url, ids: new Set([...info.ids, ...info.names]), links: info.links, resources: info.resources });
  }
  await tab.close();
  return seen;
}

/// The header is one row on a desktop and at most 150 px tall on a phone; the roles
/// matrix fits the page at 1280 px; running text has at most about 75 characters a line.
async function layoutTests(browser, origin, seen) {
  const tab = await browser.newPage();
  const paths = [...seen.keys()];
  const sample = ["/", "/roller/", "/endringer/", "/om/", "/initiativ/kompetansestrategi/", "/aktorer/bufdir/", "/tidslinje/"]
    .filter((p) => paths.includes(p));
  for (const [width, height] of [[1280, 900], [390, 844]]) {
    await tab.setViewport({ width, height });
    for (const p of sample) {
      await tab.goto(origin + p, { waitUntil: "load" });
      const problems = await tab.evaluate((width) => {
        const out = [];
        const header = document.querySelector(".site-header").getBoundingClientRect();
        if (width >= 1000) {
          const tops = [...document.querySelectorAll(".header-row > *")].map((e) => Math.round(e.getBoundingClientRect().top));
          if (header.height > 90) out.push(`the header is ${Math.round(header.height)} px tall (tops of its parts: ${tops.join(", ")})`);
        } else if (header.height > 150) {
          out.push(`the header is ${Math.round(header.height)} px tall on a phone`);
        }
        const matrix = document.querySelector(".matrix-wrap");
        if (matrix && width >= 1000 && matrix.scrollWidth > matrix.clientWidth + 1) {
          out.push(`the roles matrix is ${matrix.scrollWidth} px wide in ${matrix.clientWidth} px`);
        }
        // Characters a line: the width of each block of running text over the average
        // width of a character of its own text in its own font.
        const canvas = document.createElement("canvas").getContext("2d");
        for (const el of document.querySelectorAll("main p, main li")) {
          // The text a reader sees: labels for screen readers only left out.
          const shown = el.cloneNode(true);
          for (const hidden of shown.querySelectorAll(".visually-hidden")) hidden.remove();
          const text = shown.textContent.replace(/\s+/g, " ").trim();
          if (text.length < 120 || el.closest("table, .chart, nav, .toc, .facts")) continue;
          // A list item that holds blocks (an event, a change) is a box, not a line.
          if (el.querySelector("p, div, ul, ol, dl, h2, h3, h4, section")) continue;
          const style = getComputedStyle(el);
          canvas.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
          const perChar = canvas.measureText(text).width / text.length;
          const chars = Math.round(el.getBoundingClientRect().width / perChar);
          if (chars > 80) { out.push(`lines of about ${chars} characters: <${el.tagName.toLowerCase()} class="${el.className}"> ${text.slice(0, 50)}…`); break; }
        }
        return out;
      }, width);
      record(`${p} at ${width} px: header, matrix, line length`, problems);
    }
  }
  await tab.close();
}

/// Every Content-Security-Policy violation on the pages `tab` opens becomes a console
/// error (Chromium logs most, but not all, of them itself), which the tests fail on.
async function reportCspViolations(tab) {
  await tab.evaluateOnNewDocument(() => {
    document.addEventListener("securitypolicyviolation", (e) => {
      console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI || "inline"} at ${e.sourceFile || ""}:${e.lineNumber}`);
    });
  });
}

/// A tab of `width`×`height` whose console errors and warnings, script errors and CSP
/// violations go into `watch.messages` (which the caller empties before each page).
async function watchedTab(browser, width, height) {
  const tab = await browser.newPage();
  await tab.setViewport({ width, height });
  const watch = { tab, messages: [] };
  tab.on("console", (m) => { if (m.type() === "error" || m.type() === "warn") watch.messages.push(`console ${m.type()}: ${m.text()}`); });
  tab.on("pageerror", (e) => watch.messages.push(`script error: ${e.message}`));
  await reportCspViolations(tab);
  return watch;
}

/// The axe-core violations of the page open in `tab` (the rules tagged `AXE_TAGS`): each
/// with where its first three are found and why.
async function axeViolations(tab) {
  await tab.evaluate(AXE_SOURCE);
  const axe = await tab.evaluate((tags) => window.axe.run(document, {
    runOnly: { type: "tag", values: tags }, resultTypes: ["violations"],
  }), AXE_TAGS);
  return axe.violations.map((v) =>
    `${v.id} (${v.impact}): ${v.help}\n` +
    v.nodes.slice(0, 3).map((n) => `  at ${n.target.join(" ")}: ${n.failureSummary.split("\n").slice(1, 2).join("").trim()}`).join("\n"));
}

/// The default site built with the Digdir brand file (brand: in site.yaml) and a page with
/// aligned table columns: no axe-core violation, no console error or CSP violation, no
/// style attribute, the brand's tokens in effect and the columns aligned by the theme.
async function brandTests(browser, work) {
  const root = path.join(work, "brand-site");
  fs.mkdirSync(root, { recursive: true });
  fs.cpSync(path.join(REPO, "content"), path.join(root, "content"), { recursive: true });
  fs.cpSync(path.join(HERE, "fixtures", "brand"), path.join(root, "brand"), { recursive: true });
  fs.copyFileSync(path.join(HERE, "fixtures", "tall.md"), path.join(root, "content", "pages", "artikler", "tall.md"));
  // A page with a photo (caption and credit), a screenshot and a decorative drawing.
  fs.cpSync(path.join(HERE, "fixtures", "bilder"), path.join(root, "content", "pages", "artikler"), { recursive: true });
  fs.copyFileSync(path.join(HERE, "fixtures", "innebygd.md"), path.join(root, "content", "pages", "artikler", "innebygd.md"));
  fs.appendFileSync(path.join(root, "content", "site.yaml"), "brand: brand/digdir.css\n");
  const docroot = path.join(work, "brand-out");
  let server = null;
  try {
    buildSite(mandatBinary(), root, docroot);
    record("the branded site builds", []);
    server = await startNginx(docroot, path.join(work, "brand-nginx"));
    const watch = await watchedTab(browser, 1280, 900);
    const tab = watch.tab;
    const pages = ["/", "/initiativ/kompetansestrategi/", "/initiativ/tillitsavtalen/", "/roller/", "/tidslinje/",
      "/aktorer/bufdir/", "/endringer/", "/artikler/tall/", "/artikler/bilder/", "/artikler/innebygd/", "/tilgjengelighet/", "/sok/"];
    for (const p of pages) {
      watch.messages = [];
      await tab.goto(server.origin + p, { waitUntil: "load" });
      const violations = await axeViolations(tab);
      const info = await tab.evaluate(() => ({
        styleAttrs: document.querySelectorAll("[style]").length,
        brandLinked: [...document.querySelectorAll('link[rel="stylesheet"]')].map((l) => new URL(l.href).pathname),
        accent: getComputedStyle(document.documentElement).getPropertyValue("--ds-color-accent-base-default").trim(),
      }));
      const problems = [
        ...violations,
        ...watch.messages,
      ];
      if (info.styleAttrs) problems.push(`${info.styleAttrs} style attributes`);
      if (info.brandLinked.at(-1) !== "/brand/digdir.css") problems.push(`the stylesheets are ${info.brandLinked.join(", ")}; the brand must come last`);
      if (info.accent.toLowerCase() !== "#0062ba") problems.push(`--ds-color-accent-base-default is "${info.accent}"`);
      record(`branded ${p}: axe-core, console and CSP, no style attribute, brand tokens in effect`, problems);
    }
    await tab.goto(server.origin + "/artikler/tall/", { waitUntil: "load" });
    const aligned = await tab.evaluate(() => [...document.querySelectorAll("tbody tr:first-child td")].map((td) => getComputedStyle(td).textAlign));
    record("a `---:` column is right-aligned and a `:---:` one centred, by classes", 
      JSON.stringify(aligned) === JSON.stringify(["left", "center", "right"]) ? [] : [`the cells are aligned ${aligned.join(", ")}`]);
    const quotes = await tab.evaluate(() => document.querySelector(".prose p").textContent);
    record("quotation marks are «…» with ‘…’ inside", quotes.includes("«sitater med ‘sitater’ inni»") ? [] : [quotes]);
    // Images: every one loads, and a phone gets the narrowest copy of the photo.
    for (const [width, want] of [[1280, "-800."], [390, "-480."]]) {
      await tab.setViewport({ width, height: 900 });
      await tab.goto(server.origin + "/artikler/bilder/", { waitUntil: "load" });
      const imgs = await tab.evaluate(async () => {
        const all = [...document.querySelectorAll("main img")];
        for (const i of all) { i.loading = "eager"; await i.decode().catch(() => {}); }
        return all.map((i) => ({ alt: i.alt, src: i.currentSrc, w: i.naturalWidth }));
      });
      const problems = imgs.filter((i) => !i.w).map((i) => `${i.src} did not load`);
      if (imgs.length !== 3) problems.push(`${imgs.length} images`);
      const photo = imgs.find((i) => i.alt.startsWith("Sola"));
      if (!photo || !photo.src.includes(want)) problems.push(`at ${width} px the photo is ${photo && photo.src}`);
      record(`images at ${width} px: all load, the photo from its ${want.slice(1, -1)} px copy`, problems);
    }
    const figure = await tab.evaluate(() => document.querySelector("figure figcaption .credit")?.textContent);
    record("a caption's credit is marked", figure === "Foto: Redaksjonen" ? [] : [`${figure}`]);
    // Every embed on one page, one of them twice: valid HTML (no id twice) and headings
    // that skip no level.
    const embeds = path.join(docroot, "artikler", "innebygd", "index.html");
    for (const [file, problems] of await vnuFiles([embeds])) {
      record(`vnu ${path.relative(docroot, file)} (every embed)`, problems);
    }
    await tab.goto(server.origin + "/artikler/innebygd/", { waitUntil: "load" });
    const outline = await tab.evaluate(() => [...document.querySelectorAll("h1, h2, h3, h4, h5, h6")].map((h) => Number(h.tagName[1])));
    const skips = outline.filter((level, i) => i > 0 && level > outline[i - 1] + 1);
    const kinds = await tab.evaluate(() => [...document.querySelectorAll(".embed")].map((e) => e.className));
    record("every embed on one page: headings skip no level, each kind shown",
      [...(skips.length ? [`the outline ${outline.join(" ")} skips a level`] : []),
       ...(kinds.length === 6 ? [] : [`${kinds.length} embeds: ${kinds.join(", ")}`])]);
    await tab.close();
    // The W3C checker on the page with images.
    const one = path.join(work, "vnu-images");
    fs.mkdirSync(one, { recursive: true });
    fs.copyFileSync(path.join(docroot, "artikler", "bilder", "index.html"), path.join(one, "index.html"));
    const checked = await runVnu(one, path.join(HERE, "atom.rnc"));
    record("vnu /artikler/bilder/ (figure, srcset, sizes, width, height)", [...checked.files.values()].flat());
    // The fixture page has an old address (`aliases:`): nginx answers it with 301, and the
    // page the build writes there passes axe-core and the Nu checker.
    const redirects = redirectPages(docroot);
    record("the fixture's old address is built", redirects.length ? [] : ["no page at an old address"]);
    await redirectTests(server.origin, docroot);
    await redirectPageTests(browser, server.origin, docroot);
    for (const [file, problems] of await vnuFiles(redirects.map((p) => p.file))) {
      record(`vnu ${path.relative(docroot, file)}`, problems);
    }
  } catch (e) {
    record("the branded site", [`${e && e.stack ? e.stack : e}`]);
  } finally {
    if (server) server.stop();
  }
}

/// Every old address (`aliases:`) answers 301 with the page's address through nginx (the
/// rules the build writes, included by deploy/nginx.conf), with and without its last `/`.
async function redirectTests(origin, docroot) {
  for (const p of redirectPages(docroot)) {
    for (const from of p.path.endsWith("/") ? [p.path, p.path.slice(0, -1)] : [p.path]) {
      const r = await fetch(origin + from, { redirect: "manual" });
      const problems = [];
      if (r.status !== 301) problems.push(`status ${r.status}, expected 301`);
      if (r.headers.get("location") !== p.to) problems.push(`Location "${r.headers.get("location")}", expected ${p.to}`);
      record(`the old address ${from} answers 301 with ${p.to}`, problems);
    }
  }
}

/// The page a build writes at each old address, for servers without the rules: opened as
/// its file (the refresh it makes answered with 204, so the page stays), with axe-core and
/// the basics every page has.
async function redirectPageTests(browser, origin, docroot) {
  const tab = await browser.newPage();
  for (const p of redirectPages(docroot)) {
    const file = "/" + path.relative(docroot, p.file).split(path.sep).join("/");
    await attempt(`${file}: axe-core, lang, title, one h1, a link to ${p.to}`, async () => {
      await tab.setRequestInterception(true);
      const stay = (r) => {
        if (r.isNavigationRequest() && new URL(r.url()).pathname === p.to) r.respond({ status: 204, body: "" });
        else r.continue();
      };
      tab.on("request", stay);
      try {
        await tab.goto(origin + file, { waitUntil: "load" });
        await new Promise((r) => setTimeout(r, 300));
        const problems = await axeViolations(tab);
        const info = await tab.evaluate(() => ({
          at: location.pathname,
          lang: document.documentElement.lang,
          title: document.title,
          h1: document.querySelectorAll("h1").length,
          links: [...document.querySelectorAll("main a[href]")].map((a) => new URL(a.href).pathname),
          canonical: (document.querySelector('link[rel="canonical"]') || {}).href || "",
          description: (document.querySelector('meta[name="description"]') || {}).content || "",
          scripts: document.querySelectorAll("script:not([src])").length + document.querySelectorAll("[style]").length,
        }));
        if (info.at !== file) problems.push(`the page moved on to ${info.at} before it was checked`);
        if (!["nb", "nn"].includes(info.lang)) problems.push(`<html lang="${info.lang}">`);
        if (!info.title) problems.push("no <title>");
        if (!info.description) problems.push("no meta description");
        if (info.h1 !== 1) problems.push(`${info.h1} <h1> elements`);
        if (!info.links.includes(p.to)) problems.push(`no visible link to ${p.to}: ${info.links.join(", ")}`);
        if (!info.canonical.endsWith(p.to)) problems.push(`canonical "${info.canonical}"`);
        if (info.scripts) problems.push("an inline script or style attribute");
        return problems;
      } finally {
        tab.off("request", stay);
        await tab.setRequestInterception(false);
      }
    });
  }
  await tab.close();
}

/// The default site built with `page_size: 3`, so that its timeline, its initiatives'
/// timelines and its tag pages run over several pages: on each page with a pager, no
/// axe-core violation or console error, a labelled <nav>, exactly one link marked
/// aria-current="page" and it is this page, previous/next where they belong, and every
/// link of the pager answers 200.
async function listTests(browser, work) {
  const root = path.join(work, "lists-site");
  fs.mkdirSync(root, { recursive: true });
  fs.cpSync(path.join(REPO, "content"), path.join(root, "content"), { recursive: true });
  fs.appendFileSync(path.join(root, "content", "site.yaml"), "page_size: 3\n");
  const docroot = path.join(work, "lists-out");
  let server = null;
  try {
    buildSite(mandatBinary(), root, docroot);
    record("the site in lists of 3 builds", []);
    server = await startNginx(docroot, path.join(work, "lists-nginx"));
    const withPager = walkFiles(docroot)
      .filter((f) => f.endsWith(".html") && fs.readFileSync(f, "utf8").includes('class="pager"'))
      .map((f) => "/" + path.relative(docroot, f).replace(/index\.html$/, ""));
    const wanted = ["/tidslinje/", "/tidslinje/side/2/"];
    record("the timeline runs over pages", wanted.filter((p) => !withPager.includes(p)).map((p) => `${p} has no pager`));
    const watch = await watchedTab(browser, 390, 800);
    const tab = watch.tab;
    // Each list's first, second and last pages, and the other lists' first pages.
    const chosen = withPager.filter((p) => !/\/side\/\d+\/$/.test(p) || /\/side\/2\/$/.test(p) || !withPager.includes(p.replace(/\/side\/(\d+)\/$/, (m, n) => `/side/${+n + 1}/`)));
    for (const p of chosen.slice(0, 40)) {
      watch.messages = [];
      await tab.goto(server.origin + p, { waitUntil: "load" });
      const violations = await axeViolations(tab);
      const info = await tab.evaluate(() => {
        const nav = document.querySelector("nav.pager");
        const current = [...nav.querySelectorAll('a[aria-current="page"]')].map((a) => new URL(a.href).pathname);
        return {
          label: nav.getAttribute("aria-label") || "",
          current,
          prev: !!nav.querySelector('a[rel="prev"]'),
          next: !!nav.querySelector('a[rel="next"]'),
          links: [...nav.querySelectorAll("a")].map((a) => new URL(a.href).pathname),
          wide: document.documentElement.scrollWidth > window.innerWidth,
        };
      });
      const problems = [
        ...violations,
        ...watch.messages,
      ];
      const first = !/\/side\/\d+\/$/.test(p);
      if (!info.label) problems.push("the pager's <nav> has no aria-label");
      if (info.current.length !== 1 || info.current[0] !== p) problems.push(`aria-current="page" marks ${JSON.stringify(info.current)}`);
      if (info.prev === first) problems.push(first ? "a previous link on the first page" : "no previous link");
      if (info.wide) problems.push("the page scrolls sideways at 390 px");
      for (const href of new Set(info.links)) {
        const r = await fetch(server.origin + href);
        if (r.status !== 200) problems.push(`${href} answers ${r.status}`);
      }
      record(`${p}: axe-core, console, the pager's label, current page, previous and links`, problems);
    }
    await tab.close();
  } catch (e) {
    record("the site in lists of 3", [`${e && e.stack ? e.stack : e}`]);
  } finally {
    if (server) server.stop();
  }
}

async function linkTests(origin, seen) {
  const status = new Map();
  const statusOf = async (u) => {
    if (!status.has(u)) {
      const r = await fetch(u, { redirect: "manual" });
      status.set(u, r.status);
    }
    return status.get(u);
  };
  const byUrl = new Map();
  for (const [p, s] of seen) byUrl.set(p === "/404.html" ? null : origin + p, s);
  let internal = 0;
  let external = 0;
  for (const [p, s] of seen) {
    const problems = [];
    const own = new URL(s.url);
    for (const { href, text } of [...s.links, ...s.resources.map((href) => ({ href, text: "" }))]) {
      const u = new URL(href);
      if (u.origin !== origin) {
        if (u.protocol === "http:" || u.protocol === "https:") external++;
        continue;
      }
      internal++;
      const base = u.origin + u.pathname + u.search;
      // The 404 page's own #main, as it is shown at an unknown address.
      if (p === "/404.html" && u.pathname === own.pathname) continue;
      const code = byUrl.has(base) ? 200 : await statusOf(base);
      if (code !== 200) {
        problems.push(`"${text}" → ${u.pathname}${u.search}: status ${code}`);
        continue;
      }
      const hash = decodeURIComponent(u.hash.slice(1));
      if (hash && hash !== "top" && byUrl.has(base) && !byUrl.get(base).ids.has(hash)) {
        problems.push(`"${text}" → ${u.pathname}#${hash}: no such anchor`);
      }
    }
    record(`${p}: every internal link and anchor resolves`, problems);
  }
  console.log(`  (${internal} internal links and assets checked; ${external} external links not fetched: no network)`);
}

async function keyboardTests(browser, origin) {
  const tab = await browser.newPage();
  await tab.setViewport({ width: 1280, height: 900 });
  await tab.goto(origin + "/", { waitUntil: "load" });

  await attempt("the first Tab reaches a visible skip link that moves focus to the main content", async () => {
    const problems = [];
    await tab.keyboard.press("Tab");
    const skip = await tab.evaluate(() => {
      const a = document.activeElement;
      const r = a.getBoundingClientRect();
      return { cls: a.className, href: a.getAttribute("href"), visible: r.top >= 0 && r.bottom <= innerHeight && r.width > 1 && r.height > 1 };
    });
    if (skip.href !== "#main") problems.push(`first focus is ${JSON.stringify(skip)}`);
    if (!skip.visible) problems.push("the skip link is not visible when focused");
    await tab.keyboard.press("Enter");
    await new Promise((r) => setTimeout(r, 100));
    const focused = await tab.evaluate(() => document.activeElement.id);
    if (focused !== "main") problems.push(`after Enter, focus is on #${focused}`);
    return problems;
  });

  await attempt("every element the keyboard reaches shows where focus is", async () => {
    await tab.goto(origin + "/", { waitUntil: "load" });
    const problems = [];
    for (let i = 0; i < 25; i++) {
      await tab.keyboard.press("Tab");
      const f = await tab.evaluate(() => {
        const a = document.activeElement;
        if (!a || a === document.body) return null;
        const s = getComputedStyle(a);
        const ring = (s.outlineStyle !== "none" && parseFloat(s.outlineWidth) >= 2) || (s.boxShadow && s.boxShadow !== "none");
        return { what: `${a.tagName.toLowerCase()} "${(a.textContent || "").trim().slice(0, 30)}"`, ring };
      });
      if (f && !f.ring) problems.push(`${f.what} has no visible focus indicator`);
    }
    return problems;
  });

  await attempt("with reduced motion asked for, nothing moves", async () => {
    await tab.emulateMediaFeatures([{ name: "prefers-reduced-motion", value: "reduce" }]);
    await tab.goto(origin + "/tidslinje/", { waitUntil: "load" });
    const moving = await tab.evaluate(() => [...document.querySelectorAll("*")]
      .filter((e) => { const s = getComputedStyle(e); return parseFloat(s.transitionDuration) > 0.01 || s.animationName !== "none" || s.scrollBehavior === "smooth"; })
      .slice(0, 5).map((e) => e.tagName.toLowerCase() + "." + e.className));
    await tab.emulateMediaFeatures([]);
    return moving.map((m) => `${m} still animates`);
  });

  await attempt("the print stylesheet leaves out the menu and search", async () => {
    await tab.emulateMediaType("print");
    await tab.goto(origin + "/initiativ/", { waitUntil: "load" });
    const shown = await tab.evaluate(() => [".menu", ".search-link", ".skip"]
      .filter((s) => { const e = document.querySelector(s); return e && getComputedStyle(e).display !== "none"; }));
    await tab.emulateMediaType(null);
    return shown.map((s) => `${s} is printed`);
  });
  await tab.close();
}

async function searchTests(browser, origin) {
  const tab = await browser.newPage();
  await tab.setViewport({ width: 1280, height: 900 });
  const errors = [];
  tab.on("console", (m) => { if (m.type() === "error") errors.push(m.text()); });
  tab.on("pageerror", (e) => errors.push(e.message));

  const results = () => tab.$$eval("#search-results > li", (lis) => lis.map((li) => ({
    title: li.querySelector("a").textContent,
    href: li.querySelector("a").getAttribute("href"),
    kind: li.querySelector(".result-kind").textContent,
    lang: (li.querySelector("[lang]") || {}).lang || "",
  })));
  const query = async (q) => {
    await tab.click("#search-q", { clickCount: 3 });
    await tab.keyboard.press("Backspace");
    await tab.type("#search-q", q, { delay: 20 });
    await tab.waitForFunction((q) => document.getElementById("search-status").textContent.includes(`«${q}»`),
      { timeout: 5000 }, q);
    return results();
  };

  await tab.goto(origin + "/sok/", { waitUntil: "networkidle0" });

  await attempt("with JavaScript the form shows and the no-script notice hides", async () => {
    const s = await tab.evaluate(() => ({
      form: !document.getElementById("search-form").hidden,
      notice: !document.querySelector("[data-search-nojs]").hidden,
      live: document.getElementById("search-status").getAttribute("role"),
      label: document.querySelector("label[for=search-q]") !== null,
      radios: document.querySelectorAll("input[type=radio][name=type]").length,
    }));
    const p = [];
    if (!s.form) p.push("the form is still hidden");
    if (s.notice) p.push("the no-script notice still shows");
    if (s.live !== "status") p.push("the result count is not in a status (live) region");
    if (!s.label) p.push("the search field has no label");
    if (s.radios < 2) p.push("no kind filters");
    return p;
  });

  await attempt("typing a query shows results, announced in the status region", async () => {
    const hits = await query("kompetanse");
    const status = await tab.$eval("#search-status", (e) => e.textContent);
    const p = [];
    if (!hits.some((h) => h.href.endsWith("/initiativ/kompetansestrategi/"))) p.push(`no hit for the competence strategy: ${JSON.stringify(hits.slice(0, 5))}`);
    if (!/^\d+ treff/.test(status)) p.push(`status says "${status}"`);
    return p;
  });

  await attempt("a result can be followed", async () => {
    await query("bufdir");
    const first = await tab.$eval("#search-results > li a", (a) => a.getAttribute("href"));
    await Promise.all([tab.waitForNavigation({ waitUntil: "load" }), tab.click("#search-results > li a")]);
    const p = [];
    if (new URL(tab.url()).pathname !== first) p.push(`landed on ${tab.url()}, expected ${first}`);
    const h1 = await tab.$eval("h1", (e) => e.textContent).catch(() => "");
    if (!h1) p.push("the page has no h1");
    // Back: the address kept the query (?q=), so the results are there again.
    await tab.goBack({ timeout: 10000 }).catch(() => null);
    await tab.waitForFunction(() => document.getElementById("search-status") &&
      document.getElementById("search-status").textContent.includes("bufdir"), { timeout: 5000 })
      .catch(() => p.push(`back on ${tab.url()} the results for bufdir are not shown`));
    return p;
  });

  await attempt("inflected Norwegian forms find the same records (avtalene, kommunane, tilliten)", async () => {
    const p = [];
    for (const [q, want] of [["avtalene", "/initiativ/utviklingsavtale-2005/"], ["kommunane", "/aktorer/kommunene/"], ["tilliten", "/initiativ/tillitsavtalen/"], ["Barneombudet", "/aktorer/barneombudet/"]]) {
      const hits = await query(q);
      if (!hits.some((h) => h.href.endsWith(want))) p.push(`"${q}" does not find ${want}: ${hits.slice(0, 4).map((h) => h.href).join(", ")}`);
    }
    return p;
  });

  await attempt("a record in the other written standard is marked with its lang", async () => {
    const hits = await query("tilliten");
    const hit = hits.find((h) => h.href.endsWith("/initiativ/tillitsavtalen/"));
    return hit && hit.lang === "nn" ? [] : [`the nynorsk agreement's hit has lang "${hit && hit.lang}"`];
  });

  await attempt("the kind filter narrows the results and is kept in the address", async () => {
    await query("barnevern");
    await tab.click("input[name=type][value=actor]");
    await new Promise((r) => setTimeout(r, 200));
    const hits = await results();
    const kinds = new Set(hits.map((h) => h.kind));
    const p = [];
    if (hits.length === 0) p.push("no actors for barnevern");
    if (kinds.size !== 1) p.push(`kinds shown: ${[...kinds].join(", ")}`);
    if (!tab.url().includes("type=actor")) p.push(`address is ${tab.url()}`);
    await tab.click("input[name=type][value='']");
    return p;
  });

  await attempt("an address with ?q= opens with its results", async () => {
    await tab.goto(origin + "/sok/?q=roller", { waitUntil: "networkidle0" });
    await new Promise((r) => setTimeout(r, 300));
    return (await results()).length > 0 ? [] : ["no results for ?q=roller"];
  });

  // The index is made in Rust and searched in JavaScript: if their word rules differ,
  // some record cannot be found by its own title.
  await attempt("every record is found by its own title (Rust and JavaScript agree on words)", async () => {
    return tab.evaluate(async () => {
      const at = document.getElementById("search-form").dataset.index;
      const manifest = await (await fetch(at)).json();
      const folder = at.replace(/[^/]*$/, "");
      const docs = [];
      for (let c = 0; c * manifest.chunk < manifest.docs; c++) {
        docs.push(...await (await fetch(`${folder}dok/${c}.json`)).json());
      }
      const input = document.getElementById("search-q");
      const form = document.getElementById("search-form");
      const status = document.getElementById("search-status");
      form.querySelector("input[name=type][value='']").checked = true;
      const missing = [];
      for (const doc of docs) {
        input.value = doc.t;
        form.requestSubmit();
        const until = Date.now() + 5000;
        while (!status.textContent.includes(`«${doc.t}»`) && Date.now() < until) await new Promise((r) => setTimeout(r, 5));
        const urls = [...document.querySelectorAll("#search-results a")].map((a) => a.getAttribute("href"));
        if (!urls.includes(doc.u)) missing.push(`"${doc.t}" does not find ${doc.u}`);
      }
      return missing;
    });
  });

  await attempt("a misspelt word gets a suggestion that finds it (Mente du …?)", async () => {
    await query("barnevren");
    const p = [];
    const s = await tab.evaluate(() => {
      const a = document.querySelector("#search-status a");
      return { text: document.getElementById("search-status").textContent, word: a && a.textContent };
    });
    if (!/Ingen treff/.test(s.text) || !/Mente du/.test(s.text) || !s.word) return [`status "${s.text}"`];
    await tab.click("#search-status a");
    await tab.waitForFunction((w) => document.getElementById("search-status").textContent.includes(`«${w}»`), { timeout: 5000 }, s.word)
      .catch(() => p.push(`following the suggestion "${s.word}" did not search for it`));
    if ((await results()).length === 0) p.push(`the suggestion "${s.word}" finds nothing`);
    return p;
  });

  await attempt("a query with no match says so", async () => {
    await query("xyzzy");
    const status = await tab.$eval("#search-status", (e) => e.textContent);
    return /Ingen treff/.test(status) && (await results()).length === 0 ? [] : [`status "${status}"`];
  });

  record("the search page logged no errors", errors);
  await tab.close();

  const nojs = await browser.newPage();
  await nojs.setJavaScriptEnabled(false);
  await nojs.goto(origin + "/sok/", { waitUntil: "load" });
  await attempt("without JavaScript the page says so and links to the lists", async () => {
    const s = await nojs.evaluate(() => ({
      form: !document.getElementById("search-form").hidden,
      notice: document.querySelector("[data-search-nojs]") && getComputedStyle(document.querySelector("[data-search-nojs]")).display !== "none",
      links: [...document.querySelectorAll("[data-search-nojs] a")].map((a) => a.getAttribute("href")),
    }));
    const p = [];
    if (s.form) p.push("the form shows though it cannot work");
    if (!s.notice) p.push("no notice");
    if (s.links.length < 3) p.push(`the notice links to ${s.links.join(", ")}`);
    return p;
  });
  await nojs.close();
}

/// The search of a site of 3,000 generated pages (bench/corpus.py): one query, typed
/// into a fresh tab, fetches at most QUERY_BUDGET bytes in all, and finds what it should.
async function searchBytesTests(browser, work) {
  const root = path.join(work, "corpus");
  const out = path.join(work, "corpus-site");
  const made = spawnSync("python3", [path.join(REPO, "bench", "corpus.py"), root, "--pages", "3000"], { encoding: "utf8" });
  if (made.status !== 0) return record("the corpus is generated", [made.stderr]);
  try {
    buildSite(mandatBinary(), root, out);
  } catch (e) {
    return record("the corpus builds", [String(e)]);
  }
  const server = await serveFolder(out);
  try {
    for (const q of ["barnevern", "kommunene kompetanse", "tilt", "side 1234"]) {
      await attempt(`«${q}» costs at most ${QUERY_BUDGET / 1024} KB`, async () => {
        const r = await mandatQuery(browser, server.origin, q);
        const p = [];
        if (r.bytes > QUERY_BUDGET) p.push(`${r.bytes} bytes in ${r.requests} requests (largest ${r.largestUrl}, ${r.largest})`);
        if (r.urls.length === 0) p.push(`no results: ${r.status}`);
        if (q === "side 1234" && r.urls[0] !== "/sec-14/page-01234/") p.push(`the first hit is ${r.urls[0]}`);
        console.log(`  «${q}»: ${(r.bytes / 1024).toFixed(1)} KB in ${r.requests} requests; ${r.status}`);
        return p;
      });
    }
  } finally {
    await server.close();
  }
}

/// One page of each kind, at desktop and phone width.
async function screenshots(browser, origin, seen) {
  fs.rmSync(SHOTS, { recursive: true, force: true });
  fs.mkdirSync(SHOTS, { recursive: true });
  const paths = [...seen.keys()];
  const first = (re) => paths.find((p) => re.test(p));
  const kinds = [
    ["home", "/"],
    ["initiatives", first(/^\/initiativ\/$/)],
    ["initiative", paths.includes("/initiativ/kompetansestrategi/") ? "/initiativ/kompetansestrategi/" : first(/^\/initiativ\/[^/]+\/$/)],
    ["initiative-nn", paths.includes("/initiativ/tillitsavtalen/") ? "/initiativ/tillitsavtalen/" : null],
    ["actors", first(/^\/aktor(er|ar)\/$/)],
    ["actor", paths.includes("/aktorer/bufdir/") ? "/aktorer/bufdir/" : first(/^\/aktor(er|ar)\/[^/]+\/$/)],
    ["roles", first(/^\/roller\/$/)],
    ["timeline", first(/^\/tidslin(j)?e\/$/)],
    ["timeline-filter", first(/^\/tidslin(j)?e\/[^/]+\/$/)],
    ["section", first(/^\/artikler\/$/)],
    ["article", first(/^\/artikler\/[^/]+\/$/)],
    ["statement", first(/^\/tilgjengelighet\/$/)],
    ["tags", first(/^\/tags\/$/)],
    ["tag", first(/^\/tags\/[^/]+\/$/)],
    ["search", "/sok/?q=barnevern"],
    ["404", "/finnes-ikke/"],
  ].filter(([, p]) => p);
  const tab = await browser.newPage();
  let n = 0;
  for (const [name, p] of kinds) {
    for (const width of [1280, 390]) {
      await tab.setViewport({ width, height: width > 500 ? 900 : 844 });
      await tab.goto(origin + p, { waitUntil: "networkidle0" });
      await tab.screenshot({ path: path.join(SHOTS, `${name}-${width}.png`), fullPage: true });
      n++;
    }
  }
  await tab.close();
  console.log(`  ${n} screenshots in ${path.relative(REPO, SHOTS)}/`);
  return [];
}
