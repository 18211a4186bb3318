import puppeteer from "puppeteer-core";
import fs from "node:fs";
const [,, url, out, width = "1280", height = "900", scroll = "0", extra = ""] = process.argv;
const dir = fs.mkdtempSync("/tmp/chr-");
const b = await puppeteer.launch({ executablePath: "/usr/bin/chromium", headless: true, userDataDir: dir,
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"] });
const p = await b.newPage();
await p.setViewport({ width: +width, height: +height });
await p.goto(url, { waitUntil: "networkidle0" });
if (extra === "tab") { for (let i = 0; i < 3; i++) await p.keyboard.press("Tab"); }
if (extra === "print") await p.emulateMediaType("print");
await p.evaluate((y) => window.scrollTo(0, y), +scroll);
await p.screenshot({ path: out });
await b.close();
