// PyScript's own `pyscript.fs` on a usePyScript page is fshandles': a program that uses only
// `from pyscript import fs` gets the direct mount in sab mode and the two-way sync in async
// mode, with PyScript's signatures and return values. Its sync keeps a file the page wrote
// into the folder meanwhile (PyScript's own mount deletes it). `pyscriptFs: false` leaves
// PyScript's own.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { ISOLATED, PLAIN, useBrowser, ev } from "./harness.mjs";
import { python, openPage, crashFree } from "./python.mjs";

const T = { timeout: 180000 };

// The page's own write into the folder the worker picked.
const writeOutside = (page, name, text) =>
  ev(page, async ([n, t]) => {
    const dir = await (await navigator.storage.getDirectory()).getDirectoryHandle("picked-1", { create: true });
    const w = await (await dir.getFileHandle(n, { create: true })).createWritable();
    await w.write(t);
    await w.close();
  }, [name, text]);
const goOn = (page) => ev(page, () => new BroadcastChannel("go").postMessage(1));
const listed = (page) =>
  ev(page, async () => {
    const dir = await (await navigator.storage.getDirectory()).getDirectoryHandle("picked-1");
    const out = [];
    for await (const name of dir.keys()) out.push(name);
    return out.sort();
  });

describe("pyscript.fs on a usePyScript page", () => {
  const browser = useBrowser();

  for (const [mode, base] of [["sab", ISOLATED], ["async", PLAIN]]) {
    for (const type of ["py", "mpy"]) {
      it(`${type}, ${mode} mode: pyscript.fs is fshandles' mount; its sync keeps what the page wrote meanwhile`, T, async () => {
        const context = await browser().newContext();
        const { page, problems } = await openPage(base, context, "", "pyscript-plugin.html");
        await python(page, type, `
import asyncio
import js
from pyscript import ffi, fs
import fshandles
go = []
js.BroadcastChannel.new("go").onmessage = ffi.create_proxy(lambda event: go.append(1))
async def wait_go():
    while not go:
        await asyncio.sleep(0.02)
    go.clear()
mounted = await fs.mount("/local")
report(step="mounted", returned=str(mounted), type=fs.mounted["/local"].type, same=fs.mounted is fshandles.mounted)
await wait_go()
with open("/local/mine.txt", "w") as f:
    f.write("from pyscript.fs")
synced = await fs.sync("/local")
report(step="synced", returned=str(synced), outside=read("/local/outside.txt"))
await fs.unmount("/local")
report(step="done", unmounted="/local" in fs.mounted, revoked=await fs.revoke("/local"))
`, "mounted", { answer: "authorize" });
        const mounted = await crashFree(page, "mounted");
        assert.deepEqual(mounted, { step: "mounted", returned: "None", type: mode === "sab" ? "direct" : "copy", same: true });
        await writeOutside(page, "outside.txt", "from the page");
        await goOn(page);
        const synced = await crashFree(page, "synced");
        assert.deepEqual(synced, { step: "synced", returned: "None", outside: "from the page" });
        assert.deepEqual(await listed(page), ["mine.txt", "outside.txt"], "the page's file kept, Python's written");
        assert.deepEqual(await crashFree(page, "done"), { step: "done", unmounted: false, revoked: true });
        assert.deepEqual(problems, []);
        await context.close();
      });
    }
  }

  it("pyscriptFs: false leaves PyScript's own pyscript.fs, its records still the host's", T, async () => {
    const context = await browser().newContext();
    const { page } = await openPage(ISOLATED, context, "?pyscriptFs=false", "pyscript-plugin.html");
    const r = await python(page, "py", `
from pyscript import fs
import fshandles
await fs.mount("/local")
report(step="own", same=fs.mounted is fshandles.mounted, kind=type(fs.mounted["/local"]).__name__)
`, "own", { answer: "authorize" });
    assert.equal(r.same, false);
    assert.notEqual(r.kind, "_Mounted");
    await context.close();
  });
});
