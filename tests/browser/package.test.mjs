// dist/ is an npm package. Packed, installed into a scratch project and bundled with Vite for
// production, it runs in Chromium from a path of its own: the page's host, a JS worker's client
// and a PyScript worker through usePyScript each find their files where the bundler put them.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { ISOLATED, PLAIN, useBrowser, waitFor, clickInDialog, ev, said } from "./harness.mjs";

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

// A PyScript app: usePyScript from the package, PyScript and Pyodide served as static files
// (outside the bundle), a Python worker that imports fshandles and mounts.
const PY_PAGE = `import "/tests/browser/support/standin.js"; // tests only: the picker stand-in
import { hooks } from "/node_modules/@pyscript/core/dist/core.js";
import { usePyScript } from "fshandles/pyscript";

usePyScript(hooks);
hooks.main.onWorker.add((wrap, xworker) =>
  xworker.addEventListener("message", ({ data }) => data?.bundled && (globalThis.result = data.bundled)),
);
`;

const PY_HTML = `<!doctype html>
<meta charset="utf-8">
<script type="module" src="./src/main.js"></script>
<script type="py" worker config='{"interpreter": "/node_modules/pyodide/pyodide.mjs"}'>
import js
from pyscript import ffi
import fshandles

await fshandles.mount("/local")
with open("/local/bundled.txt", "w") as f:
    f.write("from a bundled app")
await fshandles.sync("/local")
js.postMessage(ffi.to_js({"bundled": {"mode": fshandles.mode(), "listing": sorted(__import__("os").listdir("/local"))}}))
</script>
`;

// Packs dist/, installs the tarball into `app` (no registry needed) and writes `files` there.
function scratchApp(app, files) {
  rmSync(app, { recursive: true, force: true });
  mkdirSync(join(app, "src"), { recursive: true });
  const tarball = execFileSync("npm", ["pack", "--silent", "--pack-destination", app], { cwd: join(ROOT, "dist"), encoding: "utf8" }).trim();
  writeFileSync(join(app, "package.json"), JSON.stringify({ name: "scratch", private: true, type: "module", dependencies: { fshandles: `file:./${tarball}` } }));
  execFileSync("npm", ["install", "--offline", "--no-audit", "--no-fund"], { cwd: app, stdio: "pipe" });
  for (const [path, text] of Object.entries(files)) writeFileSync(join(app, path), text);
  return tarball;
}

describe("the npm package", () => {
  const browser = useBrowser();

  it("a PyScript app bundled with Vite for production: usePyScript's worker imports fshandles and mounts, both modes", T, async () => {
    const app = join(ROOT, "target/package-app-pyscript");
    scratchApp(app, { "index.html": PY_HTML, "src/main.js": PY_PAGE });
    const { build } = await import("vite");
    await build({
      root: app,
      base: "./",
      logLevel: "warn",
      build: {
        outDir: "dist",
        emptyOutDir: true,
        target: "esnext",
        // PyScript and the tests' stand-in are served as they are, outside the bundle.
        rollupOptions: { external: [/^\/(node_modules|tests)\//] },
      },
    });
    const assets = readdirSync(join(app, "dist/assets"));
    for (const wanted of [/^fshandles_worker.*\.js$/, /^fshandles_worker_bg.*\.wasm$/, /^fshandles_mount.*\.js$/, /^fshandles.*\.py$/, /^fshandles_main_bg.*\.wasm$/]) {
      assert.ok(assets.some((f) => wanted.test(f)), `the bundle has ${wanted}: ${assets}`);
    }
    for (const [mode, base] of [["sab", ISOLATED], ["async", PLAIN]]) {
      const context = await browser().newContext();
      const page = await context.newPage();
      const problems = [];
      page.on("pageerror", (e) => problems.push(e.message));
      await page.goto(`${base}/target/package-app-pyscript/dist/index.html`);
      await clickInDialog(page, "authorize", { timeout: 120000 }); // after Pyodide boots
      const result = await waitFor(page, () => globalThis.result, null, { timeout: 60000, what: "the Python worker's mount" });
      assert.deepEqual(result, { mode, listing: ["bundled.txt"] }, `the page said:\n${said(page)}`);
      const text = await ev(page, async () => {
        const dir = await (await navigator.storage.getDirectory()).getDirectoryHandle("picked-1");
        return (await (await dir.getFileHandle("bundled.txt")).getFile()).text();
      });
      assert.equal(text, "from a bundled app");
      assert.deepEqual(problems, []);
      await context.close();
    }
  });

  it("packed, installed and bundled with Vite: the host and a worker load their wasm and talk", T, async () => {
    const tarball = scratchApp(APP, {
      "index.html": `<!doctype html><meta charset="utf-8"><script type="module" src="./src/main.js"></script>\n`,
      "src/main.js": PAGE,
      "src/worker.js": WORKER,
    });
    const manifest = JSON.parse(readFileSync(join(ROOT, "dist/package.json"), "utf8"));
    assert.equal(tarball, `fshandles-${manifest.version}.tgz`);

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
