// Issue 14: dist/ is an npm package. Packed, installed into a scratch project and bundled with
// Vite, it runs in Chromium from a path of its own: the page's host and a worker's client each
// find their wasm where the bundler put it.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { ISOLATED, useBrowser, waitFor } from "./harness.mjs";

const T = { timeout: 180000 };
const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const APP = join(ROOT, "target/package-app");

const PAGE = `import init, { FsHost } from "fshandles/main";

await init();
const host = new FsHost();
const worker = new Worker(new URL("./worker.js", import.meta.url), { type: "module" });
host.attach(worker);
// fshandles' own first message shares this channel; the worker's report has a mode.
worker.addEventListener("message", ({ data }) => data?.mode && (globalThis.result = data));
`;

const WORKER = `import init, { FsClient } from "fshandles/worker";

await init();
const client = FsClient.connect({ mode: "auto" });
postMessage({ mode: client.mode, deleted: await client.deleteFSHandler("/nothing@here") });
`;

describe("the npm package", () => {
  const browser = useBrowser();

  it("packed, installed and bundled with Vite: the host and a worker load their wasm and talk", T, async () => {
    rmSync(APP, { recursive: true, force: true });
    mkdirSync(join(APP, "src"), { recursive: true });
    const tarball = execFileSync("npm", ["pack", "--silent", "--pack-destination", APP], { cwd: join(ROOT, "dist"), encoding: "utf8" }).trim();
    const manifest = JSON.parse(readFileSync(join(ROOT, "dist/package.json"), "utf8"));
    assert.equal(tarball, `fshandles-${manifest.version}.tgz`);
    writeFileSync(join(APP, "package.json"), JSON.stringify({ name: "scratch", private: true, type: "module", dependencies: { fshandles: `file:./${tarball}` } }));
    // A tarball needs no registry.
    execFileSync("npm", ["install", "--offline", "--no-audit", "--no-fund"], { cwd: APP, stdio: "pipe" });
    writeFileSync(join(APP, "index.html"), `<!doctype html><meta charset="utf-8"><script type="module" src="./src/main.js"></script>\n`);
    writeFileSync(join(APP, "src/main.js"), PAGE);
    writeFileSync(join(APP, "src/worker.js"), WORKER);

    const { build } = await import("vite");
    await build({
      root: APP,
      base: "./", // relative: the app works from whatever path it is served at
      logLevel: "warn",
      build: { outDir: "dist", emptyOutDir: true, target: "esnext" },
      worker: { format: "es" },
    });
    const assets = readdirSync(join(APP, "dist/assets"));
    assert.equal(assets.filter((f) => f.endsWith(".wasm")).length, 2, `the bundle has both wasm files: ${assets}`);

    const context = await browser().newContext();
    const page = await context.newPage();
    await page.goto(`${ISOLATED}/target/package-app/dist/index.html`);
    const result = await waitFor(page, () => globalThis.result, null, { timeout: 30000, what: "the worker's answer" });
    assert.deepEqual(result, { mode: "sab", deleted: false });
    await context.close();
  });
});
