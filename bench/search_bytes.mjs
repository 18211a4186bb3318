#!/usr/bin/env node
// How many bytes one search costs a reader: serves a built site from a folder, opens its
// search page in headless Chromium (a fresh profile, so nothing is cached), runs a query
// and adds up the body of every response (page, styles, scripts, index files), as served
// without compression.
//
//   node bench/search_bytes.mjs OUT [QUERY…]          mandat's /sok/ (default: barnevern)
//   node bench/search_bytes.mjs OUT --pagefind=DIR [QUERY…]  Pagefind's JS API on a test
//                          page, its index (from `pagefind --site OUT --output-path DIR`)
//                          served at /pagefind/
//   --json    print one JSON object per query instead of a table
//
// Prints per query: the bytes in all, the number of requests, the bytes of the largest
// file, and the first five result addresses.

import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { createRequire } from "node:module";

const require = createRequire(new URL("../tests/browser/package.json", import.meta.url));
const puppeteer = require("puppeteer-core");

const CHROMIUM = process.env.CHROMIUM || "/usr/bin/chromium";
const FLAGS = [
  "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync",
];
const TYPES = {
  ".html": "text/html; charset=utf-8", ".css": "text/css", ".js": "text/javascript",
  ".mjs": "text/javascript", ".json": "application/json", ".svg": "image/svg+xml",
  ".wasm": "application/wasm",
};

// A page that asks Pagefind's JS API what its default UI asks: the results of a query and
// the fragments of the first five.
const PAGEFIND_PAGE = `<!doctype html><html lang="nb"><head><meta charset="utf-8"><title>Pagefind</title>
<script type="module" src="/__pagefind_test.mjs"></script></head><body><output id="out"></output></body></html>`;
const PAGEFIND_SCRIPT = `const pagefind = await import("/pagefind/pagefind.js");
await pagefind.options({ excerptLength: 30 });
await pagefind.init();
window.runQuery = async (q) => {
  const search = await pagefind.search(q);
  const shown = await Promise.all(search.results.slice(0, 5).map((r) => r.data()));
  return { count: search.results.length, urls: shown.map((d) => d.url) };
};
document.getElementById("out").textContent = "ready";
`;

/// Serves `root` on a loopback port (and `pagefind`, if given, at /pagefind/); resolves to
/// { origin, close }.
export function serve(root, pagefind = null) {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, "http://x");
    let rel = decodeURIComponent(url.pathname);
    if (rel === "/__pagefind_test.html") return send(res, 200, TYPES[".html"], PAGEFIND_PAGE);
    if (rel === "/__pagefind_test.mjs") return send(res, 200, TYPES[".mjs"], PAGEFIND_SCRIPT);
    if (rel.endsWith("/")) rel += "index.html";
    let base = root;
    if (pagefind && rel.startsWith("/pagefind/")) {
      base = pagefind;
      rel = rel.slice("/pagefind".length);
    }
    const file = path.join(base, path.normalize(rel));
    if (!file.startsWith(path.resolve(base)) || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
      return send(res, 404, "text/plain", "not found");
    }
    send(res, 200, TYPES[path.extname(file)] || "application/octet-stream", fs.readFileSync(file));
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve({
    origin: `http://127.0.0.1:${server.address().port}`,
    close: () => new Promise((r) => server.close(r)),
  })));
}

function send(res, status, type, body) {
  res.writeHead(status, { "content-type": type, "cache-control": "no-store" });
  res.end(body);
}

export async function launch() {
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), "search-bytes-"));
  // A large Pagefind index can take minutes to answer one query.
  const browser = await puppeteer.launch({ executablePath: CHROMIUM, headless: true, userDataDir, args: FLAGS, protocolTimeout: 900000 });
  return {
    browser,
    close: async () => {
      await browser.close();
      fs.rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

/// Opens a fresh tab that counts every response's body; returns it with the tally.
async function countingTab(browser) {
  const context = await browser.createBrowserContext();
  const tab = await context.newPage();
  const responses = [];
  const pending = [];
  tab.on("response", (r) => {
    pending.push(r.buffer().then((b) => responses.push({ url: r.url(), bytes: b.length, status: r.status() }))
      .catch(() => responses.push({ url: r.url(), bytes: 0, status: r.status() })));
  });
  return { tab, context, responses, settle: () => Promise.all(pending) };
}

/// One query on mandat's search page: what it cost and what it found.
export async function mandatQuery(browser, origin, query, searchPath = "/sok/") {
  const { tab, context, responses, settle } = await countingTab(browser);
  await tab.goto(origin + searchPath, { waitUntil: "networkidle0" });
  await tab.type("#search-q", query);
  await tab.waitForFunction((q) => {
    const s = document.getElementById("search-status").textContent;
    return s.includes(`«${q}»`);
  }, { timeout: 60000 }, query);
  await tab.waitForNetworkIdle({ idleTime: 200 });
  const found = await tab.evaluate(() => ({
    status: document.getElementById("search-status").textContent,
    urls: [...document.querySelectorAll("#search-results > li a")].slice(0, 5).map((a) => a.getAttribute("href")),
  }));
  await settle();
  await context.close();
  return tally(query, responses, found);
}

/// One query through Pagefind's JS API: what it cost and what it found.
export async function pagefindQuery(browser, origin, query) {
  const { tab, context, responses, settle } = await countingTab(browser);
  await tab.goto(origin + "/__pagefind_test.html", { waitUntil: "networkidle0" });
  await tab.waitForFunction(() => document.getElementById("out").textContent === "ready", { timeout: 60000 });
  const r = await tab.evaluate((q) => window.runQuery(q), query);
  await tab.waitForNetworkIdle({ idleTime: 200 });
  await settle();
  await context.close();
  return tally(query, responses, { status: `${r.count} results`, urls: r.urls });
}

function tally(query, responses, found) {
  const bytes = responses.reduce((n, r) => n + r.bytes, 0);
  const largest = responses.reduce((m, r) => (r.bytes > m.bytes ? r : m), { bytes: 0, url: "" });
  return { query, bytes, requests: responses.length, largest: largest.bytes, largestUrl: largest.url, ...found };
}

async function main() {
  const args = process.argv.slice(2);
  const json = args.includes("--json");
  const pagefindArg = args.find((a) => a.startsWith("--pagefind="));
  const pagefind = pagefindArg ? path.resolve(pagefindArg.slice("--pagefind=".length)) : null;
  const rest = args.filter((a) => !a.startsWith("--"));
  if (rest.length < 1) {
    console.error("usage: node bench/search_bytes.mjs OUT [--pagefind=DIR] [--json] [QUERY…]");
    process.exit(2);
  }
  const [root, ...queries] = rest;
  if (queries.length === 0) queries.push("barnevern");
  const server = await serve(path.resolve(root), pagefind);
  const { browser, close } = await launch();
  try {
    for (const q of queries) {
      const r = pagefind ? await pagefindQuery(browser, server.origin, q) : await mandatQuery(browser, server.origin, q);
      if (json) console.log(JSON.stringify(r));
      else console.log(`${q.padEnd(20)} ${(r.bytes / 1024).toFixed(1).padStart(8)} KB  ${String(r.requests).padStart(3)} requests  largest ${(r.largest / 1024).toFixed(1)} KB  ${r.status}  ${r.urls.join(" ")}`);
    }
  } finally {
    await close();
    await server.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith("search_bytes.mjs")) {
  await main();
}
