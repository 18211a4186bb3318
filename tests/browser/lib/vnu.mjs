// The W3C Nu HTML checker (the vnu-jar package) on the machine's Java: every HTML, CSS and
// SVG file of the built site in one run, and atom.xml against the RFC 4287 schema.

import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import { fileURLToPath, pathToFileURL } from "node:url";
import fs from "node:fs";
import path from "node:path";

const require = createRequire(import.meta.url);
const JAR = require("vnu-jar");

function java(args) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.env.JAVA || "java", ["-Xss1m", "-jar", JAR, ...args], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => { out += d; });
    child.stderr.on("data", (d) => { err += d; });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, out, err }));
  });
}

function messages(json) {
  try {
    return JSON.parse(json).messages || [];
  } catch {
    return [{ type: "error", message: `vnu printed no JSON: ${json.slice(0, 300)}` }];
  }
}

const where = (m) => `${m.lastLine ?? "?"}:${m.firstColumn ?? m.lastColumn ?? "?"}: ${m.message}${m.extract ? ` [${m.extract.replace(/\s+/g, " ").trim().slice(0, 80)}]` : ""}`;

/// The errors in each of `files` (HTML): resolves to Map(file → [problem]).
export async function vnuFiles(files) {
  const found = new Map(files.map((f) => [f, []]));
  const r = await java(["--format", "json", ...files]);
  for (const m of messages(r.err || r.out)) {
    if (m.type !== "error" && m.type !== "non-document-error") continue;
    const file = m.url ? fileURLToPath(m.url) : "(vnu)";
    if (!found.has(file)) found.set(file, []);
    found.get(file).push(where(m));
  }
  return found;
}

/// Resolves to {files: Map(file → [problem]), feed: [problem], warnings: [text]}.
export async function runVnu(docroot, atomSchema) {
  const files = new Map();
  const walk = (d) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.(html|css|svg)$/.test(e.name)) files.set(p, []);
    }
  };
  walk(docroot);
  const warnings = [];
  // JSON goes to stderr; --stdout would mix nothing else in, but stderr is what vnu uses.
  // The files by name: given a folder, vnu would read robots.txt and the JSON as HTML.
  const site = await java(["--format", "json", "--also-check-css", "--also-check-svg", ...files.keys()]);
  for (const m of messages(site.err || site.out)) {
    const file = m.url ? fileURLToPath(m.url) : "(vnu)";
    if (m.type === "error" || m.type === "non-document-error") {
      if (!files.has(file)) files.set(file, []);
      files.get(file).push(where(m));
    } else if (m.subType === "warning") {
      warnings.push(`${path.relative(docroot, file)}: ${m.message}`);
    }
  }
  const feed = [];
  const atom = path.join(docroot, "atom.xml");
  if (fs.existsSync(atom)) {
    const r = await java(["--format", "json", "--xml", "--schema", pathToFileURL(atomSchema).href, atom]);
    for (const m of messages(r.err || r.out)) {
      if (m.type === "error" || m.type === "non-document-error") feed.push(where(m));
    }
  } else {
    feed.push("no atom.xml");
  }
  return { files, feed, warnings };
}
