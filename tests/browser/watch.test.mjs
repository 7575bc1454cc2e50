// Watching a mounted folder: Python iterates `fshandles.awatch` while the page creates,
// modifies, renames and removes files, in Pyodide and MicroPython, on a direct mount (sab mode)
// and a copy mount (async mode), observed (Chromium's FileSystemObserver) and polled; each
// change is told, a copy has it before it is told, Python's own writes are told; a folder
// removed ends the loop with NotFoundError, a permission taken back with NotGrantedError.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { ISOLATED, PLAIN, useBrowser, ev, simulatePermissionsIn, workerOf } from "./harness.mjs";
import { python, openPage, helpers, crashFree, write, remove, go } from "./python.mjs";

const T = { timeout: 180000 };

// Python that watches /d (`how`: awatch's keyword arguments) and, at each of the page's go,
// reports the changes it was told since (sorted [kind, path] pairs) under step `told-N`, and
// what reading each file told of now says.
const WATCHER = (args) => `${helpers()}
import fshandles
await fshandles.mount("/d")
seen = []
async def watch():
    try:
        async for changes in fshandles.awatch("/d"${args}):
            seen.extend(sorted([int(k), p] for k, p in changes))
    except Exception as e:
        seen.append(["ended", type(e).__name__, getattr(e, "name", None)])
asyncio.create_task(watch())
await asyncio.sleep(0.3)
report(step="watching", how=fshandles.watching("/d"), type=fshandles.mounted["/d"].type)
n = 0
while True:
    await wait_go()
    # Until something is told (or a second passes): the page's change and Python's arrive apart.
    for i in range(50):
        if seen:
            break
        await asyncio.sleep(0.05)
    await asyncio.sleep(0.3)
    told = list(seen)
    seen.clear()
    texts = {}
    for kind, path, *rest in told:
        if kind in (1, 2) and not path.endswith("sub"):
            try:
                with open(path) as f:
                    texts[path] = f.read()
            except OSError as e:
                texts[path] = "errno %d" % e.args[0]
    n += 1
    report(step="told-%d" % n, told=told, texts=texts)
`;

// What the page does, step by step, and what Python must be told of it.
const STEPS = [
  ["create", (page) => write(page, "a.txt", "one"), [[1, "/d/a.txt"]], { "/d/a.txt": "one" }],
  ["modify", (page) => write(page, "a.txt", "two"), [[2, "/d/a.txt"]], { "/d/a.txt": "two" }],
  ["rename", (page) => ev(page, async () => {
    const dir = await (await navigator.storage.getDirectory()).getDirectoryHandle("picked-1");
    await (await dir.getFileHandle("a.txt")).move("b.txt");
  }), [[1, "/d/b.txt"], [3, "/d/a.txt"]], { "/d/b.txt": "two" }],
  ["remove", (page) => remove(page, "b.txt"), [[3, "/d/b.txt"]], {}],
  ["deep", (page) => write(page, "sub/c.txt", "deep"), [[1, "/d/sub"], [1, "/d/sub/c.txt"]], { "/d/sub/c.txt": "deep" }],
];

// The changes told, as the kinds told of each path (a file made and written comes as added and
// modified).
function byPath(told) {
  const out = {};
  for (const [k, p] of told) (out[p] ??= []).push(k);
  return out;
}

describe("watching a mounted folder", () => {
  const browser = useBrowser();

  for (const type of ["py", "mpy"]) {
    for (const [mode, base, args] of [["sab", ISOLATED, ""], ["async", PLAIN, ""], ["sab", ISOLATED, ", force_polling=True, poll_delay_ms=100"]]) {
      const polled = args.includes("force_polling");
      it(`${type}, ${mode} mode${polled ? ", polled" : ""}: the page creates, modifies, renames and removes; each change is told`, T, async () => {
        const context = await browser().newContext();
        const { page, problems } = await openPage(base, context);
        await python(page, type, WATCHER(args), "watching", { answer: "authorize" });
        const watching = await crashFree(page, "watching");
        assert.deepEqual(watching, { step: "watching", how: polled ? "poll" : "observer", type: mode === "sab" ? "direct" : "copy" });
        let n = 0;
        for (const [what, act, want, texts] of STEPS) {
          await act(page);
          await go(page);
          const r = await crashFree(page, `told-${++n}`);
          const told = byPath(r.told);
          for (const [kind, path] of want) {
            // A folder made with its file may come as the file alone where polled.
            if (path.endsWith("/sub") && told[path] === undefined) continue;
            assert.ok(told[path]?.includes(kind), `${what}: ${path} told ${JSON.stringify(r.told)}`);
          }
          // What Python reads of each file this step made or changed. (A change of the step
          // before may come late, in this step's batch, as a busy machine may split a write's
          // "added" and "modified": such a path is read too, and may be gone by now.)
          for (const [path, text] of Object.entries(texts)) {
            assert.equal(r.texts[path], text, `${what}: what Python reads of ${path}, told ${JSON.stringify(r.told)}`);
          }
        }
        assert.deepEqual(problems, []);
        await context.close();
      });
    }
  }

  it("py, async mode (copy mount): Python's own writes are told, as on a disk, and reach the folder", T, async () => {
    const context = await browser().newContext();
    const { page } = await openPage(PLAIN, context);
    await python(page, "py", `${helpers()}
import fshandles
await fshandles.mount("/d")
seen = []
async def watch():
    async for changes in fshandles.awatch("/d", poll_delay_ms=200):
        seen.extend(sorted([int(k), p] for k, p in changes))
asyncio.create_task(watch())
await asyncio.sleep(0.3)
with open("/d/mine.txt", "w") as f:
    f.write("from Python")
for i in range(60):
    if seen:
        break
    await asyncio.sleep(0.05)
report(step="told", told=seen)
`, "told", { answer: "authorize" });
    const r = await crashFree(page, "told");
    // Made and written: added, and modified where the two came apart (as on a disk).
    assert.deepEqual(byPath(r.told)["/d/mine.txt"]?.[0], 1, JSON.stringify(r.told));
    assert.deepEqual(Object.keys(byPath(r.told)), ["/d/mine.txt"]);
    assert.equal(await ev(page, () => globalThis.readFile("picked-1", "mine.txt")), "from Python");
    await context.close();
  });

  for (const [mode, base] of [["sab", ISOLATED], ["async", PLAIN]]) {
    it(`py, ${mode} mode: an idle observed watch lists nothing, even while its loop waits; Python's write is told`, T, async () => {
      const context = await browser().newContext();
      const { page } = await openPage(base, context);
      await python(page, "py", `${helpers()}
import fshandles
await fshandles.mount("/d")
seen = []
async def watch():
    async for changes in fshandles.awatch("/d", poll_delay_ms=100):
        seen.extend(p for k, p in changes)
asyncio.create_task(watch())
await asyncio.sleep(0.3)
report(step="watching", how=fshandles.watching("/d"))
await wait_go()
with open("/d/mine.txt", "w") as f:
    f.write("mine")
for i in range(100):
    if "/d/mine.txt" in seen:
        break
    await asyncio.sleep(0.05)
report(step="told", seen=seen)
`, "watching", { answer: "authorize" });
      assert.equal((await crashFree(page, "watching")).how, "observer");
      // Every listing the Python worker's realm makes (the watch's, a copy mount's sync), counted.
      const pyWorker = page.workers().find((w) => !w.url().includes("fshandles_direct.js"));
      await pyWorker.evaluate(() => {
        const entries = FileSystemDirectoryHandle.prototype.entries;
        globalThis.listings = 0;
        FileSystemDirectoryHandle.prototype.entries = function (...args) {
          globalThis.listings++;
          return entries.apply(this, args);
        };
      });
      await new Promise((r) => setTimeout(r, 1500)); // fifteen of the loop's waits
      assert.equal(await pyWorker.evaluate(() => globalThis.listings), 0, "idle: no listing");
      await go(page);
      assert.ok((await crashFree(page, "told")).seen.includes("/d/mine.txt"));
      await context.close();
    });
  }

  for (const type of ["py", "mpy"]) {
    it(`${type}, direct mount: a folder removed and made again outside is seen at once, its old entries gone`, T, async () => {
      const context = await browser().newContext();
      const { page } = await openPage(ISOLATED, context);
      await write(page, "sub/old.txt", "old");
      await python(page, type, `${helpers()}
import fshandles
await fshandles.mount("/d")
before = sorted(os.listdir("/d/sub")), read("/d/sub/old.txt")
seen = []
async def watch():
    async for changes in fshandles.awatch("/d"):
        seen.extend(p for k, p in changes)
asyncio.create_task(watch())
await asyncio.sleep(0.3)
report(step="watching", before=before)
for i in range(100):
    if "/d/sub/new.txt" in seen:
        break
    await asyncio.sleep(0.05)
report(step="after", listed=sorted(os.listdir("/d/sub")), text=read("/d/sub/new.txt"), old=errno_of(os.stat, "/d/sub/old.txt"))
`, "watching", { answer: "authorize" });
      assert.deepEqual((await crashFree(page, "watching")).before, [["old.txt"], "old"]);
      await ev(page, async () => {
        const dir = await (await navigator.storage.getDirectory()).getDirectoryHandle("picked-1");
        await dir.removeEntry("sub", { recursive: true });
      });
      await write(page, "sub/new.txt", "new");
      const r = await crashFree(page, "after");
      assert.deepEqual([r.listed, r.text, r.old], [["new.txt"], "new", 44], "ENOENT (Emscripten's 44) for the old file");
      await context.close();
    });

    it(`${type}: the folder removed ends the watch with NotFoundError; a path not mounted is a KeyError`, T, async () => {
      const context = await browser().newContext();
      const { page } = await openPage(ISOLATED, context);
      await write(page, "x.txt", "x");
      await python(page, type, `${helpers()}
import fshandles
await fshandles.mount("/d")
try:
    async for changes in fshandles.awatch("/nowhere"):
        pass
except KeyError:
    unmounted = "KeyError"
report(step="watching", unmounted=unmounted)
out = []
try:
    async for changes in fshandles.awatch("/d"):
        out.append(sorted([int(k), p] for k, p in changes))
except fshandles.FsHandlesError as e:
    out.append(["ended", e.name])
report(step="ended", out=out, watching=str(fshandles.watching("/d")))
`, "watching", { answer: "authorize" });
      assert.equal((await crashFree(page, "watching")).unmounted, "KeyError");
      await ev(page, () => new Promise((r) => setTimeout(r, 300)));
      await ev(page, async () => (await navigator.storage.getDirectory()).removeEntry("picked-1", { recursive: true }));
      const r = await crashFree(page, "ended");
      assert.deepEqual(r.out.at(-1), ["ended", "NotFoundError"]);
      assert.equal(r.watching, "None", "no longer watched");
      await context.close();
    });
  }

  it("py: a permission taken back ends the watch with NotGrantedError", T, async () => {
    const context = await browser().newContext();
    const { page } = await openPage(ISOLATED, context, "?permissions&ttl=0");
    await python(page, "py", `${helpers()}
import fshandles
await fshandles.mount("/d")
report(step="mounted")
try:
    async for changes in fshandles.awatch("/d", force_polling=True, poll_delay_ms=100):
        pass
except Exception as e:
    report(step="ended", error=type(e).__name__)
`, "mounted", { answer: "authorize" });
    // The stand-in's revocation, in the Python worker (where the watch asks) as in every realm.
    const permissions = await simulatePermissionsIn(page, await workerOf(page, "fshandles_direct.js"));
    const pyWorker = page.workers().find((w) => !w.url().includes("fshandles_direct.js"));
    await simulatePermissionsIn(page, pyWorker);
    await ev(page, () => globalThis.picker.revoked.add("picked-1"));
    await permissions.caughtUp();
    assert.equal((await crashFree(page, "ended")).error, "NotGrantedError");
    await context.close();
  });
});
