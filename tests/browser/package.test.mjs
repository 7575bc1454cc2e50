// dist/ is an npm package. Packed, installed into a scratch project and bundled with Vite for
// production, it runs in Chromium from a path of its own: the page's host, a JS worker's client
// and a PyScript worker through usePyScript each find their files where the bundler put them.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { fileURLToPath } from "node:url";
import { ISOLATED, PLAIN, useBrowser, waitFor, clickInDialog, ev, said } from "./harness.mjs";

const T = { timeout: 180000 };
const ROOT = fileURLToPath(new URL("../../", import.meta.url));

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
const deleted = await client.deleteFSHandler("/nothing@here");
// The watch's module, loaded at the first watch, is where the bundler put it.
const folder = await (await navigator.storage.getDirectory()).getDirectoryHandle("package-watch", { create: true });
const watching = await client.watch(folder).then((w) => (w.stop(), w.how), (e) => \`\${e?.name}: \${e?.message}\`);
postMessage({ mode: client.mode, deleted, watching });
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

// Packs dist/ once and installs the tarball into `app` (no registry needed), then writes
// `files` there and an index.html that loads `script` (a module).
let tarball = null;
function scratchApp(app, files) {
  rmSync(app, { recursive: true, force: true });
  mkdirSync(join(app, "src"), { recursive: true });
  tarball ??= execFileSync("npm", ["pack", "--silent", "--pack-destination", join(ROOT, "target")], { cwd: join(ROOT, "dist"), encoding: "utf8" }).trim();
  writeFileSync(join(app, "package.json"), JSON.stringify({ name: "scratch", private: true, type: "module", dependencies: { fshandles: `file:${join(ROOT, "target", tarball)}` } }));
  execFileSync("npm", ["install", "--offline", "--no-audit", "--no-fund"], { cwd: app, stdio: "pipe" });
  for (const [path, text] of Object.entries(files)) writeFileSync(join(app, path), text);
}

// PyScript and the tests' stand-in are served as they are, outside the bundle.
const EXTERNAL = /^\/(node_modules|tests)\//;

// Each bundler, building `src/main.js` (and what it reaches) of `app` for production into
// `app/dist`, served from `app/dist/index.html`; `html` is the page's own markup.
const BUNDLERS = {
  async vite(app, html) {
    writeFileSync(join(app, "index.html"), `${html}<script type="module" src="./src/main.js"></script>\n`);
    const { build } = await import("vite");
    await build({
      root: app,
      base: "./", // relative: the app works from whatever path it is served at
      logLevel: "warn",
      build: { outDir: "dist", emptyOutDir: true, target: "esnext", rollupOptions: { external: [EXTERNAL] } },
      worker: { format: "es" },
    });
  },
  // esbuild leaves `new URL(…, import.meta.url)` as it is: the README's two copies put the
  // package's files where those URLs point, beside the bundle (in dist/main) and next to it.
  async esbuild(app, html) {
    const { build } = await import("esbuild");
    const main = join(app, "dist/main");
    await build({
      entryPoints: [join(app, "src/main.js"), join(app, "src/worker.js")].filter((f) => existsSync(f)),
      bundle: true,
      format: "esm",
      outdir: main,
      external: ["/node_modules/*", "/tests/*"],
      logLevel: "warning",
    });
    const pkg = join(app, "node_modules/fshandles");
    for (const f of ["main/fshandles_main_bg.wasm", "worker/fshandles_worker_bg.wasm", "worker/fshandles_watch.js"]) cpSync(join(pkg, f), join(main, basename(f)));
    cpSync(join(pkg, "worker"), join(app, "dist/worker"), { recursive: true });
    writeFileSync(join(app, "dist/index.html"), `${html}<script type="module" src="./main/main.js"></script>\n`);
  },
  async webpack(app, html) {
    const { default: webpack } = await import("webpack");
    const config = {
      mode: "production",
      context: app,
      entry: "./src/main.js",
      output: { path: join(app, "dist"), filename: "main.js", publicPath: "auto", module: true, chunkFormat: "module" },
      experiments: { outputModule: true },
      // With ES-module output, webpack 5.113 makes a worker's chunk wait for a split chunk it
      // never emits: the README's one line for webpack.
      optimization: { splitChunks: false },
      externalsType: "module",
      externals: [({ request }, done) => (EXTERNAL.test(request) ? done(null, `module ${request}`) : done())],
    };
    const stats = await new Promise((resolve, reject) => webpack(config, (e, s) => (e ? reject(e) : resolve(s))));
    assert.ok(!stats.hasErrors(), stats.toString({ all: false, errors: true }));
    writeFileSync(join(app, "dist/index.html"), `${html}<script type="module" src="./main.js"></script>\n`);
  },
};

describe("the npm package", () => {
  const browser = useBrowser();

  for (const [bundler, bundle] of Object.entries(BUNDLERS)) {
    it(`${bundler}, a production build: the host and a JS worker load their wasm and talk, both modes`, T, async () => {
      const app = join(ROOT, `target/package-app/${bundler}-js`);
      scratchApp(app, { "src/main.js": PAGE, "src/worker.js": WORKER });
      await bundle(app, `<!doctype html><meta charset="utf-8">\n`);
      for (const [mode, base] of [["sab", ISOLATED], ["async", PLAIN]]) {
        const context = await browser().newContext();
        const page = await context.newPage();
        await page.goto(`${base}/target/package-app/${bundler}-js/dist/index.html`);
        const result = await waitFor(page, () => globalThis.result, null, { timeout: 30000, what: "the worker's answer" });
        assert.deepEqual(result, { mode, deleted: false, watching: "observer" });
        await context.close();
      }
    });

    it(`${bundler}, a production build of a PyScript app: usePyScript's worker imports fshandles and mounts, both modes`, T, async () => {
      const app = join(ROOT, `target/package-app/${bundler}-pyscript`);
      scratchApp(app, { "src/main.js": PY_PAGE });
      await bundle(app, PY_HTML);
      for (const [mode, base] of [["sab", ISOLATED], ["async", PLAIN]]) {
        const context = await browser().newContext();
        const page = await context.newPage();
        const problems = [];
        page.on("pageerror", (e) => problems.push(e.message));
        await page.goto(`${base}/target/package-app/${bundler}-pyscript/dist/index.html`);
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
  }

  it("the tarball is named for the package's version", T, () => {
    const manifest = JSON.parse(readFileSync(join(ROOT, "dist/package.json"), "utf8"));
    scratchApp(join(ROOT, "target/package-app/name"), {});
    assert.equal(tarball, `fshandles-${manifest.version}.tgz`);
  });
});
