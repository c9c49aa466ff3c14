// Reports the gzipped size of the JavaScript the first page loads: the
// entry script of dist/index.html and the modules it preloads. Fails when it
// is over the budget (150 KB), so the first page stays light.
import { readFile } from "node:fs/promises";
import { gzipSync } from "node:zlib";

const budget = 150 * 1024;
const dist = new URL("../dist/", import.meta.url);
const html = await readFile(new URL("index.html", dist), "utf8");
const scripts = [...html.matchAll(/<(?:script[^>]*src|link[^>]*rel="modulepreload"[^>]*href)="\/([^"]+\.js)"/g)].map((m) => m[1]);
let total = 0;
for (const s of scripts) {
  const gz = gzipSync(await readFile(new URL(s, dist)), { level: 9 }).length;
  total += gz;
  console.log(`${(gz / 1024).toFixed(1).padStart(7)} KB  ${s}`);
}
console.log(`${(total / 1024).toFixed(1).padStart(7)} KB  gzipped JavaScript of the first page (budget ${budget / 1024} KB)`);
if (scripts.length === 0 || total > budget) process.exit(1);
