// Direct mounts (sab mode): Python's own file functions on the user's folder in place, in
// Pyodide and MicroPython, checked from the page through its own handle and the other way
// round, with no sync: what Python closes is in the folder, what the page writes is seen at
// Python's next open or listdir, and nothing else is touched.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { ISOLATED, PLAIN, useBrowser, ev, waitFor, clickInDialog, activationLapsed, workerOf, simulatePermissionsIn } from "./harness.mjs";
import { python, openPage, helpers, DIR, crashFree, write, remove, tree, go } from "./python.mjs";

const T = { timeout: 180000 };

// Emscripten's errno numbers, which both interpreters raise (MicroPython's own errno module
// has other numbers; Pyodide's errno module has these).
const ERRNO = { EACCES: 2, EEXIST: 20, EISDIR: 31, ENOENT: 44, ENOSPC: 51, ENOTDIR: 54, ENOTEMPTY: 55 };

describe("direct mount: Python works on the folder in place", () => {
  const browser = useBrowser();

  for (const type of ["py", "mpy"]) {
    it(`${type}: Python's file functions on the folder, the page's changes seen, no sync`, T, async () => {
      const context = await browser().newContext();
      const { page, problems } = await openPage(ISOLATED, context);
      await write(page, "theirs.txt", "from the page");
      await write(page, "sub/inner.txt", "inner");
      await write(page, "full/x.txt", "x");
      await python(page, type, `${helpers()}
import fshandles
await fshandles.mount("/d")
report(step="mounted", type=fshandles.mounted["/d"].type, view=tree("/d"))
write("/d/mine.txt", "from Python")
os.mkdir("/d/made")
write("/d/made/deep.txt", "deep")
report(step="written")
await wait_go()
# The page wrote later.txt and removed theirs.txt meanwhile.
seen = sorted(os.listdir("/d"))
later = read("/d/later.txt")
gone = errno_of(open, "/d/theirs.txt")
# Seek, append, truncate, rename, remove, and the errors.
with open("/d/mine.txt", "r+") as f:
    f.seek(5)
    f.write("FROM")
write("/d/mine.txt", "!", "a")
sizes = [os.stat("/d/mine.txt")[6]]
with open("/d/mine.txt", "r+") as f:
    if hasattr(f, "truncate"):
        f.truncate(4)
    else:  # MicroPython's files have no truncate: "w" truncates
        write("/d/mine.txt", "from")
sizes.append(os.stat("/d/mine.txt")[6])
os.rename("/d/made/deep.txt", "/d/sub/moved.txt")
# Renamed while open: the rest is written under the new name, as on a disk.
with open("/d/moving.txt", "w") as f:
    f.write("one ")
    f.flush()
    os.rename("/d/moving.txt", "/d/moved-open.txt")
    f.write("two")
os.rmdir("/d/made")
write("/d/replaced.txt", "old")
write("/d/new.txt", "new")
os.rename("/d/new.txt", "/d/replaced.txt")
os.remove("/d/sub/inner.txt")
errors = {
    "open_missing": errno_of(open, "/d/nope.txt"),
    "mkdir_existing": errno_of(os.mkdir, "/d/sub"),
    "rmdir_full": errno_of(os.rmdir, "/d/full"),
    "open_dir_for_write": errno_of(open, "/d/sub", "w"),
    "remove_missing": errno_of(os.remove, "/d/nope.txt"),
    "listdir_file": errno_of(os.listdir, "/d/mine.txt"),
}
report(step="done", seen=seen, later=later, gone=gone, sizes=sizes, errors=errors, mine=read("/d/mine.txt"))
`, "mounted", { answer: "authorize" });
      const mounted = await crashFree(page, "mounted");
      assert.equal(mounted.type, "direct");
      assert.deepEqual(mounted.view, { "full": DIR, "full/x.txt": "x", "sub": DIR, "sub/inner.txt": "inner", "theirs.txt": "from the page" });
      await crashFree(page, "written");
      // Closed files are in the folder, with no sync.
      const written = await tree(page);
      assert.equal(written["mine.txt"], "from Python");
      assert.equal(written["made/deep.txt"], "deep");
      await write(page, "later.txt", "written while mounted");
      await remove(page, "theirs.txt");
      await go(page);
      const done = await crashFree(page, "done");
      assert.deepEqual(done.seen, ["full", "later.txt", "made", "mine.txt", "sub"]);
      assert.equal(done.later, "written while mounted");
      assert.equal(done.gone, ERRNO.ENOENT);
      assert.deepEqual(done.sizes, [12, 4]);
      assert.equal(done.mine, "from");
      assert.deepEqual(done.errors, {
        open_missing: ERRNO.ENOENT, mkdir_existing: ERRNO.EEXIST, rmdir_full: ERRNO.ENOTEMPTY,
        open_dir_for_write: ERRNO.EISDIR, remove_missing: ERRNO.ENOENT, listdir_file: ERRNO.ENOTDIR,
      });
      assert.deepEqual(await tree(page), {
        "full": DIR, "full/x.txt": "x", "later.txt": "written while mounted", "mine.txt": "from",
        "moved-open.txt": "one two", "replaced.txt": "new", "sub": DIR, "sub/moved.txt": "deep",
      });
      assert.deepEqual(problems, []);
      await context.close();
    });
  }

  for (const type of ["py", "mpy"]) {
    it(`${type}: a tree of 1,000 files copied out and back, a 5 MiB file in 1 MiB steps and read across them`, T, async () => {
      const context = await browser().newContext();
      const { page } = await openPage(ISOLATED, context);
      await ev(page, () => globalThis.fill("picked-1", "many", 1000));
      await python(page, type, `${helpers()}
import fshandles
await fshandles.mount("/d")

def copy(src, dst):
    os.mkdir(dst)
    for name in os.listdir(src):
        if os.stat(src + "/" + name)[0] & 0x4000:
            copy(src + "/" + name, dst + "/" + name)
        else:
            with open(src + "/" + name, "rb") as f, open(dst + "/" + name, "wb") as g:
                g.write(f.read())

copy("/d/many", "/tmp/many")
copy("/tmp/many", "/d/back")
step = 1 << 20
with open("/d/big.bin", "wb") as f:
    for i in range(5):
        f.write(bytes([i + 1]) * step)
probes = []
with open("/d/big.bin", "rb") as f:
    for at in (0, step - 3, 3 * step - 1, 5 * step - 2):
        f.seek(at)
        probes.append(list(f.read(4)))
    f.seek(0)
    total = 0
    while True:
        chunk = f.read(step)
        if not chunk:
            break
        total += len(chunk)
extra = {}
if hasattr(os, "walk"):  # Pyodide: shutil and pathlib
    import shutil
    from pathlib import Path
    shutil.copytree("/d/back", "/tmp/again")
    os.makedirs("/tmp/small/inner")
    for name in ("a.txt", "inner/b.txt"):
        Path("/tmp/small/" + name).write_text(name)
    shutil.copytree("/tmp/small", "/d/small")
    Path("/d/small/note.txt").write_text("pathlib")
    extra = {
        "again": len(list(Path("/tmp/again").glob("*.txt"))),
        "small": sorted(str(p.relative_to("/d/small")) for p in Path("/d/small").rglob("*")),
        "note": Path("/d/small/note.txt").read_text(),
    }
report(step="copied", copied=len(os.listdir("/d/back")), probes=probes, total=total, extra=extra)
`, "copied", { answer: "authorize" });
      const done = await crashFree(page, "copied");
      assert.equal(done.copied, 1000);
      assert.deepEqual(done.probes, [[1, 1, 1, 1], [1, 1, 1, 2], [3, 4, 4, 4], [5, 5]]);
      assert.equal(done.total, 5 << 20);
      const folder = await tree(page);
      for (let i = 0; i < 1000; i += 1) {
        const name = `f${String(i).padStart(4, "0")}.txt`;
        assert.equal(folder[`back/${name}`], name);
      }
      const big = await ev(page, async () => {
        const dir = await (await navigator.storage.getDirectory()).getDirectoryHandle("picked-1");
        const bytes = new Uint8Array(await (await (await dir.getFileHandle("big.bin")).getFile()).arrayBuffer());
        return { size: bytes.length, steps: [0, 1, 2, 3, 4].map((i) => bytes[i << 20]), last: bytes.at(-1) };
      });
      assert.deepEqual(big, { size: 5 << 20, steps: [1, 2, 3, 4, 5], last: 5 });
      if (type === "py") {
        assert.deepEqual(done.extra, { again: 1000, small: ["a.txt", "inner", "inner/b.txt", "note.txt"], note: "pathlib" });
        assert.equal(folder["small/inner/b.txt"], "inner/b.txt");
      }
      await context.close();
    });

    it(`${type}: fsync puts a file in the folder before close; a worker terminated mid-write leaves it as fsync'd`, T, async () => {
      const context = await browser().newContext();
      const { page, problems } = await openPage(ISOLATED, context);
      await write(page, "keep.txt", "before");
      await python(page, type, `${helpers()}
import fshandles
await fshandles.mount("/d")
f = open("/d/keep.txt", "w")
f.write("kept")
f.flush()  # MicroPython's flush is an fsync; Python's is a write to the descriptor
if hasattr(os, "fsync"):
    os.fsync(f.fileno())
report(step="synced")
await wait_go()
f.write("x" * 3000000)
report(step="writing")
while True:  # never returns to the event loop: the page terminates the worker
    pass
`, "synced", { answer: "authorize" });
      assert.deepEqual(await tree(page), { "keep.txt": "kept" });
      await go(page);
      await crashFree(page, "writing");
      await ev(page, () => globalThis.workers.at(-1).terminate());
      assert.equal((await tree(page))["keep.txt"], "kept");
      // The browser's own swap file of the cut-off write ("keep.txt.crswap" in an
      // origin-private folder) goes once the browser has noticed that its writer is gone.
      const names = async () => {
        const out = [];
        for await (const name of (await (await navigator.storage.getDirectory()).getDirectoryHandle("picked-1")).keys()) out.push(name);
        return out.length === 1 ? out : null;
      };
      await waitFor(page, names, null, { timeout: 30000, what: "the cut-off write's swap file to go" });
      assert.deepEqual(await tree(page), { "keep.txt": "kept" });
      // Nothing is left locked: another writer can write it.
      await write(page, "keep.txt", "after");
      assert.deepEqual(await tree(page), { "keep.txt": "after" });
      assert.deepEqual(problems, []);
      await context.close();
    });

    it(`${type}: a listing longer than one answer (5,000 names of 200 characters) comes whole`, T, async () => {
      const context = await browser().newContext();
      const { page } = await openPage(ISOLATED, context);
      const names = await ev(page, async () => {
        const dir = await (await (await navigator.storage.getDirectory()).getDirectoryHandle("picked-1", { create: true }))
          .getDirectoryHandle("long", { create: true });
        const names = Array.from({ length: 5000 }, (_, i) => `${String(i).padStart(5, "0")}${"n".repeat(195)}`);
        for (let i = 0; i < names.length; i += 250) await Promise.all(names.slice(i, i + 250).map((n) => dir.getFileHandle(n, { create: true })));
        return names;
      });
      await python(page, type, `${helpers()}
import fshandles
await fshandles.mount("/d")
names = sorted(os.listdir("/d/long"))
report(step="listed", count=len(names), first=names[0], last=names[-1], size=os.stat("/d/long/" + names[-1])[6])
`, "listed", { answer: "authorize" });
      const r = await crashFree(page, "listed");
      assert.deepEqual(r, { step: "listed", count: 5000, first: names[0], last: names.at(-1), size: 0 });
      await context.close();
    });

    it(`${type}: a read-only direct mount reads and refuses every write with EACCES`, T, async () => {
      const context = await browser().newContext();
      const { page } = await openPage(ISOLATED, context);
      await write(page, "a.txt", "a");
      await write(page, "sub/b.txt", "b");
      await python(page, type, `${helpers()}
import fshandles
await fshandles.mount("/r", mode="read")
refused = {
    "write": errno_of(write, "/r/a.txt", "no"),
    "append": errno_of(write, "/r/a.txt", "no", "a"),
    "create": errno_of(write, "/r/new.txt", "no"),
    "remove": errno_of(os.remove, "/r/a.txt"),
    "mkdir": errno_of(os.mkdir, "/r/dir"),
    "rmdir": errno_of(os.rmdir, "/r/sub"),
    "rename": errno_of(os.rename, "/r/a.txt", "/r/c.txt"),
}
report(step="tried", type=fshandles.mounted["/r"].type, view=tree("/r"), refused=refused)
`, "tried", { answer: "authorize" });
      const r = await crashFree(page, "tried");
      assert.equal(r.type, "direct");
      assert.deepEqual(r.view, { "a.txt": "a", "sub": DIR, "sub/b.txt": "b" });
      for (const [what, errno] of Object.entries(r.refused)) assert.equal(errno, ERRNO.EACCES, `${what}: errno ${errno}`);
      assert.deepEqual(await tree(page), { "a.txt": "a", "sub": DIR, "sub/b.txt": "b" });
      await context.close();
    });

    it(`${type}: a permission revoked while mounted: EACCES at the next open, listing or change, nothing touched; back once the user agrees`, T, async () => {
      const context = await browser().newContext();
      const { page } = await openPage(ISOLATED, context, "?permissions&ttl=0");
      await write(page, "theirs.txt", "theirs");
      await python(page, type, `${helpers()}
import fshandles
await fshandles.mount("/d")
write("/d/mine.txt", "mine")
report(step="mounted")
await wait_go()
refused = {
    "open": errno_of(read, "/d/theirs.txt"),
    "create": errno_of(write, "/d/new.txt", "no"),
    "overwrite": errno_of(write, "/d/mine.txt", "no"),
    "listdir": errno_of(os.listdir, "/d"),
    "mkdir": errno_of(os.mkdir, "/d/sub"),
    "remove": errno_of(os.remove, "/d/theirs.txt"),
    "rename": errno_of(os.rename, "/d/mine.txt", "/d/moved.txt"),
}
report(step="revoked", refused=refused)
# The next mount asks the user again (the page's dialog), and the folder is Python's again.
await fshandles.unmount("/d")
await fshandles.mount("/d")
report(step="remounted")
await wait_go()
write("/d/again.txt", "again")
report(step="again", view=tree("/d"))
`, "mounted", { answer: "authorize" });
      await crashFree(page, "mounted");
      const permissions = await simulatePermissionsIn(page, await workerOf(page, "fshandles_direct.js"));
      const before = await tree(page);
      assert.deepEqual(before, { "mine.txt": "mine", "theirs.txt": "theirs" });
      await ev(page, () => globalThis.picker.revoked.add("picked-1"));
      await permissions.caughtUp();
      // The remount below must ask the user: no click of the first prompt may still count.
      await activationLapsed(page);
      await go(page);
      const r = await crashFree(page, "revoked");
      for (const [what, errno] of Object.entries(r.refused)) assert.equal(errno, ERRNO.EACCES, `${what}: errno ${errno}`);
      assert.deepEqual(await tree(page), before);
      await waitFor(page, () => !!document.querySelector("dialog.fshandles-dialog[open]"), null, { timeout: 30000, what: "the dialog of the mount after the revoke" });
      await clickInDialog(page, "authorize");
      await crashFree(page, "remounted");
      await permissions.caughtUp();
      await go(page);
      const again = await crashFree(page, "again");
      assert.deepEqual(again.view, { "again.txt": "again", "mine.txt": "mine", "theirs.txt": "theirs" });
      assert.deepEqual(await tree(page), again.view);
      await context.close();
    });
  }

  for (const type of ["py", "mpy"]) {
    it(`${type}: a write the quota refuses is ENOSPC and leaves the file as it was; with room again, it goes through`, T, async () => {
      const context = await browser().newContext();
      const { page } = await openPage(ISOLATED, context);
      await python(page, type, `${helpers()}
import fshandles
await fshandles.mount("/d")
write("/d/keep.txt", "kept")
report(step="mounted")
await wait_go()
big = b"x" * (8 << 20)
def put(path):
    with open(path, "wb") as f:
        f.write(big)
full = {"new": errno_of(put, "/d/big.bin"), "over": errno_of(put, "/d/keep.txt")}
report(step="full", full=full, keep=read("/d/keep.txt"), big=os.stat("/d/big.bin")[6])
await wait_go()
put("/d/big.bin")
report(step="room", big=os.stat("/d/big.bin")[6], keep=read("/d/keep.txt"))
`, "mounted", { answer: "authorize" });
      await crashFree(page, "mounted");
      // The browser's own quota, lowered for this origin to what it uses and 1 MiB more (as
      // a nearly full disk would).
      const origin = new URL(ISOLATED).origin;
      const s = await context.newCDPSession(page);
      const { usage } = await ev(page, () => navigator.storage.estimate());
      await s.send("Storage.overrideQuotaForOrigin", { origin, quotaSize: usage + (1 << 20) });
      await go(page);
      const full = await crashFree(page, "full");
      assert.deepEqual(full.full, { new: ERRNO.ENOSPC, over: ERRNO.ENOSPC });
      assert.equal(full.keep, "kept");
      assert.equal(full.big, 0, "the new file is there, empty: its bytes were refused");
      assert.equal((await tree(page))["keep.txt"], "kept");
      await s.send("Storage.overrideQuotaForOrigin", { origin });
      await go(page);
      const room = await crashFree(page, "room");
      assert.deepEqual(room, { step: "room", big: 8 << 20, keep: "kept" });
      await context.close();
    });
  }

  it("async mode mounts a copy, and says so; direct=True there is refused", T, async () => {
    const context = await browser().newContext();
    const { page } = await openPage(PLAIN, context);
    await python(page, "py", `${helpers()}
import fshandles
await fshandles.mount("/c")
refused = await error_of(fshandles.mount("/x", direct=True))
report(step="mounted", type=fshandles.mounted["/c"].type, refused=refused)
`, "mounted", { answer: "authorize" });
    const r = await crashFree(page, "mounted");
    assert.deepEqual([r.type, r.refused], ["copy", "UnsupportedBrowserError"]);
    await context.close();
  });
});
