// Watching in real Firefox, which has no FileSystemObserver: the watch polls the folder's
// listing, sizes and modification times, and tells the same changes. A JS worker's
// `client.watch` in both modes, and Python's `awatch` in MicroPython and Pyodide, while the
// page writes into the worker's origin-private folder (the host's `fallback: "private"`).
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { PRELUDE } from "../browser/python.mjs";
import { ISOLATED, PLAIN, useBrowser, openHost, pyscriptPage, runPython, reportOf, call, value } from "./harness.mjs";

const T = { timeout: 240000 };
const UID = "/local@pyscript";
const MODES = [["sab", ISOLATED], ["async", PLAIN]];

// What the page does in the folder fshandles made for the id "pyscript".
const act = (page, what, name, text) =>
  page.evaluate(async ([what, name, text]) => {
    const root = await navigator.storage.getDirectory();
    const dir = await (await root.getDirectoryHandle("fshandles", { create: true })).getDirectoryHandle("pyscript", { create: true });
    if (what === "write") {
      const w = await (await dir.getFileHandle(name, { create: true })).createWritable();
      await w.write(text);
      await w.close();
    } else {
      await dir.removeEntry(name);
    }
  }, [what, name, text]);

describe("Firefox: watching, polled", () => {
  const browser = useBrowser();

  for (const [mode, base] of MODES) {
    it(`JS (client.watch), ${mode} mode: polled, each change told`, T, async () => {
      const page = await openHost(browser(), base, "?nopicker&fallback");
      await page.evaluate(() => globalThis.spawn("w"));
      assert.equal(await value(page, "w", "connect", { mode }), mode);
      assert.deepEqual(await call(page, "w", "store", UID, { id: "pyscript", mode: "readwrite" }), { ok: true, value: true });
      assert.equal(await page.evaluate(() => typeof globalThis.FileSystemObserver), "undefined");
      assert.equal(await value(page, "w", "watchStart", UID, { pollMs: 100 }), "poll");
      await act(page, "write", "a.txt", "one");
      assert.deepEqual(await value(page, "w", "watchNext", 1), { told: ["added a.txt"] });
      // A write in the same millisecond as the last look, of the same size, would go unseen:
      // the polled watch compares sizes and times, as a polling watcher on a disk does.
      await act(page, "write", "a.txt", "three");
      assert.deepEqual(await value(page, "w", "watchNext", 1), { told: ["modified a.txt"] });
      await act(page, "remove", "a.txt");
      assert.deepEqual(await value(page, "w", "watchNext", 1), { told: ["deleted a.txt"] });
      await page.close();
    });
  }

  for (const [type, mode, base] of [["mpy", "sab", ISOLATED], ["py", "async", PLAIN]]) {
    it(`Python's awatch, ${type === "mpy" ? "MicroPython" : "Pyodide"}, ${mode} mode: polled, the page's changes told`, T, async () => {
      const page = await pyscriptPage(browser(), base);
      const code = `${PRELUDE}
import asyncio
import fshandles
try:
    await fshandles.mount("/local")
    told = []
    async def watch():
        async for changes in fshandles.awatch("/local", poll_delay_ms=100):
            told.extend(sorted([int(k), p] for k, p in changes))
    asyncio.create_task(watch())
    await asyncio.sleep(0.3)
    report(step="watching", how=fshandles.watching("/local"))
    for i in range(200):
        if told:
            break
        await asyncio.sleep(0.05)
    report(step="done", told=told)
except Exception as e:
    report(step="done", crashed=repr(e))
`;
      await runPython(page, type, code);
      const watching = await reportOf(page, ["watching"]);
      assert.deepEqual(watching, { step: "watching", how: "poll" });
      await act(page, "write", "from-page.txt", "hello");
      const report = await reportOf(page, ["done"], 30000);
      assert.equal(report.crashed, undefined, `Python failed: ${report.crashed}`);
      assert.deepEqual(report.told[0], [1, "/local/from-page.txt"], JSON.stringify(report.told));
      await page.close();
    });
  }

  // Firefox's handles are the entries themselves, not paths: a folder removed and made again is
  // a new folder, and a handle to the old one finds nothing. The direct mount forgets the
  // folder handles it kept when the watch tells of the change.
  it("MicroPython, sab mode (a direct mount): a folder removed and made again outside is read at once", T, async () => {
    const page = await pyscriptPage(browser(), ISOLATED);
    const code = `${PRELUDE}
import asyncio
import os
import fshandles
try:
    await fshandles.mount("/local")
    os.mkdir("/local/sub")
    with open("/local/sub/old.txt", "w") as f:
        f.write("old")
    before = read("/local/sub/old.txt")
    seen = []
    async def watch():
        async for changes in fshandles.awatch("/local", poll_delay_ms=100):
            seen.extend(p for k, p in changes)
    asyncio.create_task(watch())
    await asyncio.sleep(0.3)
    report(step="watching", before=before)
    for i in range(200):
        if "/local/sub/new.txt" in seen:
            break
        await asyncio.sleep(0.05)
    report(step="done", text=read("/local/sub/new.txt"), listed=sorted(os.listdir("/local/sub")))
except Exception as e:
    report(step="done", crashed=repr(e))
`;
    await runPython(page, "mpy", code);
    const watching = await reportOf(page, ["watching"]);
    assert.deepEqual(watching, { step: "watching", before: "old" });
    await page.evaluate(async () => {
      const root = await navigator.storage.getDirectory();
      const dir = await (await root.getDirectoryHandle("fshandles")).getDirectoryHandle("pyscript");
      await dir.removeEntry("sub", { recursive: true });
      const sub = await dir.getDirectoryHandle("sub", { create: true });
      const w = await (await sub.getFileHandle("new.txt", { create: true })).createWritable();
      await w.write("new");
      await w.close();
    });
    const report = await reportOf(page, ["done"], 30000);
    assert.equal(report.crashed, undefined, `Python failed: ${report.crashed}`);
    assert.deepEqual([report.text, report.listed], ["new", ["new.txt"]]);
    await page.close();
  });
});
