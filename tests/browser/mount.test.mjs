// fshandles.mount and sync in PyScript workers (Pyodide and MicroPython, sab and async mode),
// with writers on both sides: the page changes the folder through its own handle, as another
// tab, another app or the user could, while Python changes its mounted copy. A sync keeps
// every change of either side, and removes from the folder only what Python removed.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { ISOLATED, PLAIN, useBrowser, ev } from "./harness.mjs";
import { python, openPage, helpers, DIR, report, crashFree, write, remove, tree } from "./python.mjs";

const T = { timeout: 180000 };
const MODES = [
  ["sab", ISOLATED],
  ["async", PLAIN],
];

describe("mount and sync with writers on both sides", () => {
  const browser = useBrowser();

  for (const [mode, base] of MODES) {
    for (const type of ["py", "mpy"]) {
      it(`${type}, ${mode} mode: sync keeps both sides' changes, a file changed on both keeps both, remount loses nothing`, T, async () => {
        const context = await browser().newContext();
        const { page, problems } = await openPage(base, context);
        const before = {
          "keep.txt": "keep", "theirs-change.txt": "v1", "theirs-remove.txt": "x", "mine-change.txt": "m1",
          "mine-remove.txt": "x", "both.txt": "base", "dm.txt": "d1", "sub/inner.txt": "inner",
          "gone/a.txt": "a", "py-gone/b.txt": "b",
        };
        for (const [path, text] of Object.entries(before)) await write(page, path, text);
        await python(page, type, `${helpers()}
import fshandles
await fshandles.mount("/k", direct=False)
report(step="mounted", view=tree("/k"))
await wait_go()
with open("/k/mine-new.txt", "w") as f:
    f.write("mine")
with open("/k/mine-change.txt", "w") as f:
    f.write("m2")
os.remove("/k/mine-remove.txt")
os.remove("/k/py-gone/b.txt")
os.rmdir("/k/py-gone")
with open("/k/both.txt", "w") as f:
    f.write("mine")
os.remove("/k/dm.txt")
r = await fshandles.sync("/k")
report(step="synced", view=tree("/k"), conflicts=[list(c) for c in r.conflicts], written=sorted(r.written), removed=sorted(r.removed), read=sorted(r.read))
await wait_go()
await fshandles.unmount("/k")
await fshandles.mount("/k", direct=False)
report(step="remounted", view=tree("/k"))
`, "mounted", { answer: "authorize" });
        // While Python has the folder mounted, the page changes it.
        await write(page, "theirs-new.txt", "theirs");
        await write(page, "theirs-change.txt", "v2");
        await remove(page, "theirs-remove.txt");
        await remove(page, "gone");
        await write(page, "newdir/n.txt", "n");
        await write(page, "both.txt", "theirs");
        await write(page, "dm.txt", "d2, changed outside");
        await ev(page, () => globalThis.go("go"));
        const synced = await crashFree(page, "synced");
        const expected = {
          "both (conflict 1).txt": "mine", "both.txt": "theirs", "dm.txt": "d2, changed outside", "keep.txt": "keep",
          "mine-change.txt": "m2", "mine-new.txt": "mine", newdir: DIR, "newdir/n.txt": "n", sub: DIR,
          "sub/inner.txt": "inner", "theirs-change.txt": "v2", "theirs-new.txt": "theirs",
        };
        assert.deepEqual(await tree(page), expected, "the folder");
        assert.deepEqual(synced.view, expected, "Python's view");
        assert.deepEqual(synced.conflicts, [["both.txt", "both (conflict 1).txt"]]);
        assert.deepEqual(synced.written, ["both (conflict 1).txt", "mine-change.txt", "mine-new.txt"]);
        assert.deepEqual(synced.removed, ["mine-remove.txt", "py-gone", "py-gone/b.txt"]);
        assert.deepEqual(synced.read, ["both.txt", "dm.txt", "newdir/n.txt", "theirs-change.txt", "theirs-new.txt"]);
        // Written outside between the sync and the unmount (which syncs): kept, and seen.
        await write(page, "late.txt", "late");
        await ev(page, () => globalThis.go("go"));
        const remounted = await crashFree(page, "remounted");
        assert.deepEqual(remounted.view, { ...expected, "late.txt": "late" });
        assert.deepEqual(await tree(page), { ...expected, "late.txt": "late" });
        assert.deepEqual(problems, []);
        await context.close();
      });

      it(`${type}, ${mode} mode: a mode="read" mount is read-only to Python, and brings changes in`, T, async () => {
        const context = await browser().newContext();
        const { page, problems } = await openPage(base, context);
        await write(page, "ro.txt", "read me");
        await write(page, "sub/x.txt", "x");
        await python(page, type, `${helpers()}
import errno
import fshandles
await fshandles.mount("/r", mode="read", direct=False)
import sys
# MicroPython's webassembly port raises Emscripten's errno numbers (EACCES 2, EROFS 69), not
# those of its errno module: a missing file is 44 there, errno.ENOENT 2.
refused = (2, 69) if sys.implementation.name == "micropython" else (errno.EACCES, errno.EROFS)
attempts = {}
def attempt(name, fn):
    try:
        fn()
        attempts[name] = "allowed"
    except OSError as e:
        attempts[name] = "refused" if e.args[0] in refused else "OSError " + str(e.args[0])
attempt("overwrite", lambda: open("/r/ro.txt", "w"))
attempt("append", lambda: open("/r/ro.txt", "a"))
attempt("create", lambda: open("/r/new.txt", "w"))
attempt("create in a subfolder", lambda: open("/r/sub/new.txt", "w"))
attempt("remove", lambda: os.remove("/r/ro.txt"))
attempt("rename", lambda: os.rename("/r/ro.txt", "/r/moved.txt"))
attempt("mkdir", lambda: os.mkdir("/r/d"))
report(step="tried", attempts=attempts, content=read("/r/ro.txt"))
await wait_go()
r = await fshandles.sync("/r")
report(step="synced", view=tree("/r"), written=list(r.written), removed=list(r.removed))
`, "tried", { answer: "authorize" });
        const tried = await crashFree(page, "tried");
        const refused = Object.fromEntries(Object.keys(tried.attempts).map((k) => [k, "refused"]));
        assert.deepEqual(tried.attempts, refused);
        assert.equal(tried.content, "read me");
        await write(page, "ro.txt", "changed outside");
        await ev(page, () => globalThis.go("go"));
        const synced = await crashFree(page, "synced");
        const expected = { "ro.txt": "changed outside", sub: DIR, "sub/x.txt": "x" };
        assert.deepEqual(synced.view, expected);
        assert.deepEqual([synced.written, synced.removed], [[], []]);
        assert.deepEqual(await tree(page), expected, "nothing of Python's reached the folder");
        assert.deepEqual(problems, []);
        await context.close();
      });

      it(`${type}, ${mode} mode: a sync whose folder was removed raises FsHandlesError, not a JS exception`, T, async () => {
        const context = await browser().newContext();
        const { page, problems } = await openPage(base, context);
        await python(page, type, `${helpers()}
import fshandles
await fshandles.mount("/e", direct=False)
report(step="mounted")
await wait_go()
try:
    await fshandles.sync("/e")
    outcome = "no error"
except Exception as e:
    outcome = [type(e).__name__, getattr(e, "name", None), isinstance(e, fshandles.FsHandlesError)]
report(step="failed", outcome=outcome, still_mounted="/e" in fshandles.mounted)
`, "mounted", { answer: "authorize" });
        await ev(page, async () => (await navigator.storage.getDirectory()).removeEntry("picked-1", { recursive: true }));
        await ev(page, () => globalThis.go("go"));
        const failed = await crashFree(page, "failed");
        assert.deepEqual(failed.outcome, ["FsHandlesError", "NotFoundError", true]);
        assert.equal(failed.still_mounted, true);
        assert.deepEqual(problems, []);
        await context.close();
      });
    }

    it(`mpy and py, ${mode} mode: two Python workers on one folder keep each other's files`, T, async () => {
      const context = await browser().newContext();
      const { page, problems } = await openPage(base, context);
      const worker = (name, type, mine) => python(page, type, `${helpers(name)}
import fshandles
await fshandles.mount("/shared", direct=False)
report(step="${name} mounted")
await wait_go()
with open("/shared/${mine}", "w") as f:
    f.write("from ${name}")
await fshandles.sync("/shared")
report(step="${name} wrote")
await wait_go()
await fshandles.sync("/shared")
report(step="${name} synced", view=tree("/shared"))
`, `${name} mounted`, { answer: name === "a" ? "authorize" : undefined });
      await worker("a", "mpy", "a.txt");
      await worker("b", "py", "b.txt");
      for (const name of ["a", "b"]) {
        await ev(page, (n) => globalThis.go(n), name);
        await crashFree(page, `${name} wrote`);
      }
      for (const name of ["a", "b"]) await ev(page, (n) => globalThis.go(n), name);
      const both = { "a.txt": "from a", "b.txt": "from b" };
      assert.deepEqual((await crashFree(page, "a synced")).view, both);
      assert.deepEqual((await crashFree(page, "b synced")).view, both);
      assert.deepEqual(await tree(page), both);
      assert.equal((await ev(page, () => globalThis.picker)).calls, 1, "one folder for both");
      assert.deepEqual(problems, []);
      await context.close();
    });

    it(`mpy, ${mode} mode: a folder of 1,000 files syncs without rewriting the files nobody changed`, T, async () => {
      const context = await browser().newContext();
      const { page, problems } = await openPage(base, context);
      await ev(page, () => globalThis.fill("picked-1", "many", 1000));
      await python(page, "mpy", `${helpers()}
import fshandles
await fshandles.mount("/m", direct=False)
report(step="mounted", files=len(os.listdir("/m/many")))
await wait_go()
for name in ("f0001.txt", "f0500.txt", "f0999.txt"):
    with open("/m/many/" + name, "w") as f:
        f.write("changed by Python")
with open("/m/many/python.txt", "w") as f:
    f.write("new")
r = await fshandles.sync("/m")
report(step="synced", written=sorted(r.written), read=sorted(r.read), removed=list(r.removed), files=len(os.listdir("/m/many")), outside=read("/m/many/f0002.txt"))
`, "mounted", { answer: "authorize" });
      assert.equal((await report(page, "mounted")).files, 1000);
      await write(page, "many/f0002.txt", "changed outside");
      await write(page, "many/outside.txt", "new");
      const stamps = await tree(page, { stamps: true });
      await ev(page, () => globalThis.go("go"));
      const synced = await crashFree(page, "synced");
      assert.deepEqual(synced.written, ["many/f0001.txt", "many/f0500.txt", "many/f0999.txt", "many/python.txt"]);
      assert.deepEqual(synced.read, ["many/f0002.txt", "many/outside.txt"]);
      assert.deepEqual(synced.removed, []);
      assert.equal(synced.files, 1002);
      assert.equal(synced.outside, "changed outside");
      const after = await tree(page, { stamps: true });
      const rewritten = Object.keys(stamps).filter((p) => stamps[p] !== DIR && after[p] !== stamps[p]);
      assert.deepEqual(rewritten.sort(), ["many/f0001.txt", "many/f0500.txt", "many/f0999.txt"]);
      assert.deepEqual(problems, []);
      await context.close();
    });
  }
});
