// Generates src/api/<context>.ts from each context's openapi.yaml with
// openapi-typescript. With --check it writes nothing and fails when a
// committed file differs from what the documents generate (CI: stale types).
import { readFile, writeFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import openapiTS, { astToString } from "openapi-typescript";

export const contexts = ["accounts", "catalog", "orders", "reviews"];

const check = process.argv.includes("--check");
const root = new URL("../", import.meta.url);
let stale = 0;
for (const name of contexts) {
  const doc = new URL(`../services/${name}/openapi.yaml`, root);
  const out = new URL(`src/api/${name}.ts`, root);
  const ast = await openapiTS(doc);
  const text =
    `// Generated from services/${name}/openapi.yaml by scripts/types.mjs (make web-types). Do not edit.\n` +
    astToString(ast);
  if (!check) {
    await writeFile(out, text);
    continue;
  }
  const current = await readFile(out, "utf8").catch(() => "");
  if (current !== text) {
    stale++;
    console.error(`${fileURLToPath(out)} is stale: run make web-types`);
  }
}
if (stale > 0) process.exit(1);
if (check) console.log("web API types are up to date");
