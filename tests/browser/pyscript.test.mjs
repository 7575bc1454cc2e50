// Python in PyScript workers — the fshandles package under Pyodide and MicroPython, and PyScript's
// own, unchanged pyscript.fs backed by host.syncMethods() — in an isolated page (sync calls)
// and a plain one (async calls). PyScript, Pyodide and MicroPython come from npm.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { ISOLATED, PLAIN, useBrowser, ev, waitFor, picker, clickInDialog, activationLapsed, collectGarbage, said } from "./harness.mjs";
import { PRELUDE, python, openPage } from "./python.mjs";

const T = { timeout: 180000 };
const LOOP = 2000;

const MODES = [
  ["sab", ISOLATED],
  ["async", PLAIN],
];

describe("PyScript workers", () => {
  const browser = useBrowser();

  for (const [mode, base] of MODES) {
    for (const type of ["py", "mpy"]) {
      it(`the fshandles package in a ${type} worker, ${mode} mode: mount, write, sync, remount, reload, revoke`, T, async () => {
        const context = await browser().newContext();
        let { page, problems } = await openPage(base, context);

        const first = await python(page, type, `
import fshandles
await fshandles.mount("/local")
with open("/local/hello.txt", "w") as f:
    f.write("hello from ${type}")
await fshandles.sync("/local")
other_id = await error_of(fshandles.mount("/local", id="other"))
not_mounted = await error_of(fshandles.sync("/nowhere"))
await fshandles.unmount("/local")
unmounted = "/local" not in fshandles.mounted
await fshandles.mount("/local")
report(step="first", mode=fshandles.mode(), other_id=other_id, not_mounted=not_mounted,
       unmounted=unmounted, again=read("/local/hello.txt"))
`, "first", { answer: "authorize" });
        assert.deepEqual(first, {
          step: "first",
          mode,
          other_id: "ValueError",
          not_mounted: "KeyError",
          unmounted: true,
          again: `hello from ${type}`,
        });
        assert.equal(await ev(page, () => globalThis.readFile("picked-1", "hello.txt")), `hello from ${type}`);
        assert.equal((await picker(page)).calls, 1, "one picker; the remount after unmount asked nothing");

        // A new page load: the record persisted, so no prompt at all.
        await page.close();
        ({ page, problems } = await openPage(base, context));
        const second = await python(page, type, `
import fshandles
await fshandles.mount("/local")
content = read("/local/hello.txt")
revoked = await fshandles.revoke("/local")
again = await fshandles.revoke("/local")
report(step="second", content=content, revoked=revoked, again=again, mounted="/local" in fshandles.mounted)
`, "second");
        assert.deepEqual(second, { step: "second", content: `hello from ${type}`, revoked: true, again: false, mounted: false });
        let p = await picker(page);
        assert.equal(p.calls + p.dialogs, 0, "no prompt on the second load");

        // Revoked: the next mount asks again (the user picks another folder this time); and a
        // cancel is NotGrantedError.
        await ev(page, () => void (globalThis.picker.folder = "another"));
        const third = await python(page, type, `
import fshandles
await fshandles.mount("/local")
report(step="third", listing=sorted(__import__("os").listdir("/local")))
`, "third", { answer: "authorize" });
        assert.deepEqual(third.listing, []);
        p = await picker(page);
        assert.equal(p.calls, 1);
        assert.equal(p.dialogs, 1);

        await activationLapsed(page); // so that the next prompt is a dialog again
        const cancelled = await python(page, type, `
import fshandles
report(step="cancelled", error=await error_of(fshandles.mount("/elsewhere")))
`, "cancelled", { answer: "cancel" });
        assert.equal(cancelled.error, "NotGrantedError");
        assert.deepEqual(problems, []);
        await context.close();
      });
    }

    for (const type of ["py", "mpy"]) {
      it(`a Python loop in a ${type} worker, ${mode} mode: the worker stores its folder, then ${LOOP} calls in a row`, T, async () => {
        const context = await browser().newContext();
        const { page, problems } = await openPage(base, context);
        // In sab mode every call blocks and the loop never returns to the JS event loop.
        const r = await python(page, type, `
import fshandles
await fshandles.mount("/local")
wrong = []
for i in range(${LOOP}):
    if i % 10 == 5:
        got, want = await fshandles.revoke("/never-" + str(i)), False
    else:
        got, want = await fshandles.regrant("/local"), True
    if got != want:
        wrong.append(i)
with open("/local/loop.txt", "w") as f:
    f.write("after the loop")
await fshandles.sync("/local")
report(step="loop", mode=fshandles.mode(), wrong=wrong[:5])
`, "loop", { answer: "authorize" });
        assert.deepEqual(r, { step: "loop", mode, wrong: [] });
        assert.equal(await ev(page, () => globalThis.readFile("picked-1", "loop.txt")), "after the loop");
        assert.equal((await picker(page)).calls, 1);
        assert.deepEqual(problems, []);
        await context.close();
      });
    }

    it(`PyScript's own pyscript.fs backed by host.syncMethods(), ${mode} mode`, T, async () => {
      const context = await browser().newContext();
      let { page, problems } = await openPage(base, context);
      await python(page, "py", `
from pyscript import fs
await fs.mount("/local")
with open("/local/pyscript.txt", "w") as f:
    f.write("written through pyscript.fs")
await fs.sync("/local")
report(step="pyfs")
`, "pyfs", { answer: "authorize" });
      assert.equal(await ev(page, () => globalThis.readFile("picked-1", "pyscript.txt")), "written through pyscript.fs");
      assert.equal((await picker(page)).calls, 1);

      await page.close();
      ({ page, problems } = await openPage(base, context));
      const again = await python(page, "py", `
from pyscript import fs
await fs.mount("/local")
report(step="pyfs-again", content=read("/local/pyscript.txt"))
`, "pyfs-again");
      assert.equal(again.content, "written through pyscript.fs");
      const p = await picker(page);
      assert.equal(p.calls + p.dialogs, 0, "the record fshandles wrote served PyScript's mount");
      assert.deepEqual(problems, []);
      await context.close();
    });
  }

  for (const [mode, base] of MODES) {
    for (const type of ["py", "mpy"]) {
      it(`usePyScript(hooks) alone, a ${type} worker, ${mode} mode: import fshandles with no config, and pyscript.fs through the host`, T, async () => {
        const context = await browser().newContext();
        const { page, problems } = await openPage(base, context, "", "pyscript-plugin.html");
        const r = await python(page, type, `
import fshandles
await fshandles.mount("/local")
with open("/local/plugin.txt", "w") as f:
    f.write("one call")
await fshandles.unmount("/local")
from pyscript import fs
await fs.mount("/local")
report(step="plugin", mode=fshandles.mode(), listing=sorted(__import__("os").listdir("/local")))
`, "plugin", { answer: "authorize" });
        assert.deepEqual(r, { step: "plugin", mode, listing: ["plugin.txt"] });
        assert.equal(await ev(page, () => globalThis.readFile("picked-1", "plugin.txt")), "one call");
        assert.equal((await picker(page)).calls, 1, "pyscript.fs found the folder fshandles stored");
        assert.deepEqual(problems, []);
        await context.close();
      });
    }
  }

  for (const [mode, base] of MODES) {
    it(`usePyScript(hooks), ${mode} mode: a page that keeps no reference to the host is served through garbage collections`, T, async () => {
      const context = await browser().newContext();
      const { page, problems } = await openPage(base, context, "", "pyscript-plugin.html");
      await python(page, "mpy", `
import asyncio
import fshandles
await fshandles.mount("/local")
go = []
channel = js.BroadcastChannel.new("go")
channel.onmessage = ffi.create_proxy(lambda event: go.append(1))
report(step="mounted")
while not go:
    await asyncio.sleep(0.05)
with open("/local/after.txt", "w") as f:
    f.write("after the collections")
await fshandles.sync("/local")
report(step="after", regranted=await fshandles.regrant("/local"))
`, "mounted", { answer: "authorize" });
      for (let i = 0; i < 5; i++) await (await collectGarbage(page)).detach();
      await ev(page, () => new BroadcastChannel("go").postMessage(1));
      const after = await waitFor(page, () => globalThis.reports.find((r) => r.step === "after"), null, { timeout: 60000, what: "Python's report after the collections" });
      assert.deepEqual(after, { step: "after", regranted: true });
      assert.equal(await ev(page, () => globalThis.readFile("picked-1", "after.txt")), "after the collections");
      assert.deepEqual(problems, []);
      await context.close();
    });

    for (const type of ["py", "mpy"]) {
      it(`usePyScript(hooks), ${mode} mode: a ${type} worker that asks before the host's wasm has loaded is served once it has`, T, async () => {
        const context = await browser().newContext();
        const page = await context.newPage();
        const problems = [];
        page.on("pageerror", (e) => problems.push(e.message));
        // The host's wasm arrives only once Python has asked, and longer after that than a
        // client waits for a host it has not heard from (1000 ms).
        let release;
        const gate = new Promise((resolve) => (release = resolve));
        await page.route("**/dist/main/fshandles_main_bg.wasm", async (route) => {
          await gate;
          await route.continue();
        });
        await page.goto(`${base}/tests/browser/pages/pyscript-plugin.html`);
        await waitFor(page, () => globalThis.pageReady === true, null, { timeout: 30000 });
        const code = `${PRELUDE}
try:
    import fshandles
    report(step="asking", at=js.Date.now())
    await fshandles.mount("/local")
    with open("/local/early.txt", "w") as f:
        f.write("asked early")
    await fshandles.sync("/local")
    report(step="mounted", mode=fshandles.mode())
except Exception as e:
    report(step="mounted", crashed=repr(e))
`;
        await ev(page, ([t, c]) => globalThis.runPy({ type: t, code: c }), [type, code]);
        const asking = await waitFor(page, () => globalThis.reports.find((r) => r.step === "asking"), null, { timeout: 120000, what: "Python's first call" });
        await new Promise((r) => setTimeout(r, 2500));
        assert.equal(await ev(page, () => globalThis.hostReady === true), false, "the host was not there yet");
        release();
        await clickInDialog(page, "authorize", { timeout: 30000 });
        const mounted = await waitFor(page, () => globalThis.reports.find((r) => r.step === "mounted"), null, { timeout: 60000, what: "Python's mount" });
        assert.deepEqual(mounted, { step: "mounted", mode }, `the page said:\n${said(page)}`);
        assert.ok(asking.at < (await ev(page, () => globalThis.hostReadyAt)), "Python asked before the host existed");
        assert.equal(await ev(page, () => globalThis.readFile("picked-1", "early.txt")), "asked early");
        assert.deepEqual(problems, []);
        await context.close();
      });
    }

    it(`usePyScript(hooks) serves a PyWorker too (mpy, ${mode} mode)`, T, async () => {
      const context = await browser().newContext();
      const { page, problems } = await openPage(base, context, "", "pyscript-plugin.html");
      await ev(page, () => globalThis.pyWorker("mpy"));
      await clickInDialog(page, "authorize", { timeout: 60000 });
      const r = await waitFor(page, () => globalThis.reports.find((r) => r.step === "pyworker"), null, { timeout: 60000, what: "the PyWorker's report" });
      assert.deepEqual(r, { step: "pyworker", mode, mounted: true });
      assert.deepEqual(problems, []);
      await context.close();
    });
  }

  it("a fshandles page beside a page using PyScript's own pyscript.fs: both see what the other stores and revokes", T, async () => {
    const context = await browser().newContext();
    const ours = await openPage(ISOLATED, context);
    const theirs = await openPage(ISOLATED, context, "?own");
    await python(ours.page, "mpy", `
import fshandles
await fshandles.mount("/local")
with open("/local/ours.txt", "w") as f:
    f.write("written beside PyScript's own")
await fshandles.sync("/local")
report(step="ours")
`, "ours", { answer: "authorize" });
    // PyScript's own pyscript.fs finds the record fshandles wrote, and revokes it.
    const seen = await python(theirs.page, "mpy", `
from pyscript import fs
await fs.mount("/local")
content = read("/local/ours.txt")
await fs.revoke("/local")
report(step="theirs", content=content)
`, "theirs");
    assert.equal(seen.content, "written beside PyScript's own");
    assert.equal((await picker(theirs.page)).calls, 0);
    assert.equal(await ev(ours.page, () => globalThis.idbRecord("/local@pyscript")), null);
    // Our host remembered the folder; it must see the revoke and ask again (cancelled here).
    await activationLapsed(ours.page);
    const again = await python(ours.page, "mpy", `
import fshandles
report(step="again", error=await error_of(fshandles.mount("/local")))
`, "again", { answer: "cancel" });
    assert.equal(again.error, "NotGrantedError");
    assert.deepEqual([...ours.problems, ...theirs.problems], []);
    await context.close();
  });

  for (const [mode, base] of MODES) for (const [file, what] of [["pyscript-one-call.html", "one-call"], ["pyscript-static.html", "manual-hook"]]) {
    it(`the README's whole ${what} PyScript page works, ${mode} mode`, T, async () => {
      const context = await browser().newContext();
      const page = await context.newPage();
      const problems = [];
      page.on("pageerror", (e) => problems.push(e.message));
      await page.goto(`${base}/tests/browser/pages/${file}`);
      await waitFor(page, () => globalThis.hostReady === true, null, { timeout: 30000 });
      await clickInDialog(page, "authorize", { timeout: 120000 }); // after Pyodide boots
      const text = await waitFor(
        page,
        async () => {
          try {
            const dir = await (await navigator.storage.getDirectory()).getDirectoryHandle("picked-1");
            return await (await (await dir.getFileHandle("hello.txt")).getFile()).text();
          } catch {
            return null;
          }
        },
        null,
        { timeout: 60000, what: "hello.txt in the picked folder" },
      );
      assert.equal(text, "Hello from a PyScript worker");
      assert.deepEqual(problems, []);
      await context.close();
    });
  }

  it("the fshandles package without the File System Access API raises UnsupportedBrowserError", T, async () => {
    const context = await browser().newContext();
    const page = await context.newPage();
    await page.goto(`${ISOLATED}/tests/browser/pages/pyscript.html?nopicker`);
    await waitFor(page, () => globalThis.hostReady === true, null, { timeout: 30000 });
    const r = await python(page, "mpy", `
import fshandles
report(step="unsupported", error=await error_of(fshandles.mount("/local")))
`, "unsupported");
    assert.equal(r.error, "UnsupportedBrowserError");
    await context.close();
  });
});
