// fshandles in real Firefox: no directory picker, folder handles without permission methods.
// With the host's `fallback: "private"` a worker gets an origin-private folder in both modes,
// the same one on every visit; PyScript pages work unchanged in Pyodide and MicroPython.
// The tests' picker stand-in is taken away (`?nopicker`): Firefox is as it ships.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PRELUDE } from "../browser/python.mjs";
import { ISOLATED, PLAIN, launch, useBrowser, newPage, openHost, pyscriptPage, runPython, reportOf, waitFor, call, value } from "./harness.mjs";

const T = { timeout: 240000 };
const UID = "/local@pyscript";
const RW = { id: "pyscript", mode: "readwrite" };
const MODES = [["sab", ISOLATED], ["async", PLAIN]];

async function withWorker(browser, base, query, mode, options) {
  const page = await openHost(browser, base, query, options);
  await page.evaluate(() => globalThis.spawn("w"));
  assert.equal(await value(page, "w", "connect", { mode }), mode);
  return page;
}

// The text of `name` in the origin-private folder at `path` ("fshandles/pyscript"), read by
// the page through its own handles.
const readBack = (page, path, name) =>
  page.evaluate(async (p, n) => {
    let dir = await navigator.storage.getDirectory();
    for (const part of p.split("/")) dir = await dir.getDirectoryHandle(part);
    return (await (await dir.getFileHandle(n)).getFile()).text();
  }, path, name);

describe("Firefox", () => {
  const browser = useBrowser();

  it("is the browser these tests mean: no picker, handles without permission methods", T, async () => {
    const page = await openHost(browser(), PLAIN, "?nopicker");
    const seen = await page.evaluate(() => ({
      picker: typeof globalThis.showDirectoryPicker,
      query: typeof FileSystemHandle.prototype.queryPermission,
      agent: navigator.userAgent,
    }));
    assert.equal(seen.picker, "undefined");
    assert.equal(seen.query, "undefined");
    assert.match(seen.agent, /Firefox\//);
    await page.close();
  });

  for (const [mode, base] of MODES) {
    it(`${mode} mode: store, get, kind, write and read back in an origin-private folder, no prompt`, T, async () => {
      const page = await withWorker(browser(), base, "?nopicker&fallback", mode);
      assert.equal(await page.evaluate(() => crossOriginIsolated), mode === "sab");
      assert.deepEqual(await call(page, "w", "store", UID, RW), { ok: true, value: true });
      assert.deepEqual(await call(page, "w", "get", UID, RW), { ok: true, value: true });
      assert.equal(await value(page, "w", "handleName", UID), "pyscript");
      assert.equal(await value(page, "w", "kind", UID), "private");
      assert.deepEqual(await value(page, "w", "settleKind", UID), { ok: true, value: "private" });
      assert.equal(await value(page, "w", "writeFile", UID, "note.txt", `from a ${mode} worker`), true);
      assert.equal(await readBack(page, "fshandles/pyscript", "note.txt"), `from a ${mode} worker`);
      const record = await page.evaluate((uid) => globalThis.idbRecord(uid), UID);
      assert.deepEqual([record.handler, record.options], ["pyscript", RW]);
      assert.equal(await page.evaluate(() => document.querySelectorAll("dialog").length), 0, "no dialog");

      // A folder removed under its record (a program's removeEntry, or the site's data
      // cleared) is made anew at the next store, once the host's last check is old.
      await page.evaluate(async () => {
        const root = await navigator.storage.getDirectory();
        await (await root.getDirectoryHandle("fshandles")).removeEntry("pyscript", { recursive: true });
      });
      await new Promise((r) => setTimeout(r, 250)); // the host's permissionTtlMs (200)
      assert.deepEqual(await call(page, "w", "store", UID, RW), { ok: true, value: true });
      assert.equal(await value(page, "w", "writeFile", UID, "note.txt", `from a ${mode} worker`), true);
      assert.equal(await readBack(page, "fshandles/pyscript", "note.txt"), `from a ${mode} worker`);

      // Forgetting the folder keeps its files; the next store finds them.
      assert.deepEqual(await call(page, "w", "delete", UID), { ok: true, value: true });
      assert.equal(await page.evaluate((uid) => globalThis.idbRecord(uid), UID), null);
      assert.deepEqual(await call(page, "w", "store", UID, RW), { ok: true, value: true });
      assert.equal(await value(page, "w", "readFile", UID, "note.txt"), `from a ${mode} worker`);
      assert.deepEqual(page.problems, []);
      await page.close();
    });

    it(`${mode} mode: without the option, NotSupportedError that names it, and nothing stored`, T, async () => {
      const page = await withWorker(browser(), base, "?nopicker", mode);
      const r = await call(page, "w", "store", "/without@pyscript", RW);
      assert.equal(r.error?.name, "NotSupportedError", JSON.stringify(r));
      assert.match(r.error.message, /fallback: "private"/);
      assert.equal(await page.evaluate((uid) => globalThis.idbRecord(uid), "/without@pyscript"), null);
      await page.close();
    });
  }

  it("static hosting: coi-serviceworker isolates a page of the plain server, and auto is sab", T, async () => {
    const page = await newPage(browser());
    await page.goto(`${PLAIN}/tests/browser/pages/coi.html?nopicker&fallback`);
    // The first load registers the service worker and reloads once; the second is isolated.
    const end = Date.now() + 20000;
    while (!(await page.evaluate(() => globalThis.crossOriginIsolated === true && globalThis.hostReady === true).catch(() => false))) {
      if (Date.now() > end) throw new Error(`the page was not isolated by its service worker in 20 s; the page said:\n${page.said()}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    await page.evaluate(() => globalThis.spawn("w"));
    assert.equal(await value(page, "w", "connect", {}), "sab");
    assert.deepEqual(await call(page, "w", "store", UID, RW), { ok: true, value: true });
    assert.equal(await value(page, "w", "writeFile", UID, "note.txt", "isolated"), true);
    assert.equal(await readBack(page, "fshandles/pyscript", "note.txt"), "isolated");
    await page.close();
  });

  it("the folder and its files come back after a reload and after the browser restarts", T, async () => {
    const profile = await mkdtemp(join(tmpdir(), "fshandles-firefox-"));
    let own = null;
    const visit = async () => {
      own = await launch(profile);
      return withWorker(own, ISOLATED, "?nopicker&fallback", "sab", { profile: true });
    };
    try {
      let page = await visit();
      assert.deepEqual(await call(page, "w", "store", UID, RW), { ok: true, value: true });
      assert.equal(await value(page, "w", "writeFile", UID, "kept.txt", "kept"), true);
      await page.reload();
      await waitFor(page, () => globalThis.hostReady === true);
      await page.evaluate(() => globalThis.spawn("w"));
      await value(page, "w", "connect", { mode: "sab" });
      assert.deepEqual(await call(page, "w", "store", UID, RW), { ok: true, value: true });
      assert.equal(await value(page, "w", "readFile", UID, "kept.txt"), "kept");
      await own.close();
      own = null;

      page = await visit();
      assert.equal((await page.evaluate((uid) => globalThis.idbRecord(uid), UID))?.handler, "pyscript", "the record outlived the browser");
      assert.deepEqual(await call(page, "w", "store", UID, RW), { ok: true, value: true });
      assert.equal(await value(page, "w", "readFile", UID, "kept.txt"), "kept");
    } finally {
      await own?.close();
      await rm(profile, { recursive: true, force: true });
    }
  });

  // The README's JS page and worker snippet, as written (tests/browser/support/lifetime.js and
  // readme-worker.js), in both modes.
  for (const [mode, base] of MODES) {
    it(`the README's JS page and worker snippet work, ${mode} mode`, T, async () => {
      const page = await newPage(browser());
      await page.goto(`${base}/tests/browser/pages/lifetime.html?nopicker`);
      await waitFor(page, () => typeof globalThis.readmePage === "function", null, { what: "the page" });
      await page.evaluate(() => globalThis.readmePage("w"));
      for (const text of ["first", "second"]) {
        assert.equal(await value(page, "w", "note", text), "pyscript");
        assert.equal(await readBack(page, "fshandles/pyscript", "note.txt"), text);
      }
      assert.deepEqual(page.problems, []);
      await page.close();
    });
  }

  // The README's one-call page, unchanged (it asks for the fallback), in Pyodide.
  for (const [mode, base] of MODES) {
    it(`the README's one-call PyScript page works, Pyodide, ${mode} mode`, T, async () => {
      const page = await newPage(browser());
      await page.goto(`${base}/tests/browser/pages/pyscript-one-call.html?nopicker`);
      const text = await waitFor(
        page,
        async () => {
          try {
            const root = await navigator.storage.getDirectory();
            const dir = await (await root.getDirectoryHandle("fshandles")).getDirectoryHandle("pyscript");
            return await (await (await dir.getFileHandle("hello.txt")).getFile()).text();
          } catch {
            return null;
          }
        },
        null,
        { timeout: 180000, what: "hello.txt in fshandles/pyscript" },
      );
      assert.equal(text, "Hello from a PyScript worker");
      assert.deepEqual(page.problems, []);
      await page.close();
    });
  }

  // The same Python in MicroPython, with kind() and a second mount after an unmount.
  for (const [mode, base] of MODES) {
    it(`the fshandles package in MicroPython: mount, write, kind, unmount and mount again, ${mode} mode`, T, async () => {
      const page = await pyscriptPage(browser(), base);
      const code = `${PRELUDE}
import fshandles
try:
    await fshandles.mount("/local")
    with open("/local/hello.txt", "w") as f:
        f.write("Hello from MicroPython")
    await fshandles.sync("/local")
    kind = await fshandles.kind("/local")
    how = fshandles.mounted["/local"].type
    await fshandles.unmount("/local")
    await fshandles.mount("/local")
    report(step="done", kind=kind, how=how, back=read("/local/hello.txt"), mode=fshandles.mode())
except Exception as e:
    report(step="done", crashed=repr(e))
`;
      await runPython(page, "mpy", code);
      const report = await reportOf(page, ["done"]);
      assert.equal(report.crashed, undefined, `Python failed: ${report.crashed}`);
      assert.deepEqual(report, { step: "done", kind: "private", how: mode === "sab" ? "direct" : "copy", back: "Hello from MicroPython", mode });
      assert.equal(await readBack(page, "fshandles/pyscript", "hello.txt"), "Hello from MicroPython");
      await page.close();
    });
  }
});
