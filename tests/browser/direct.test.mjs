// Direct mounts (sab mode): Python's own file functions on the user's folder in place, in
// Pyodide and MicroPython, checked from the page through its own handle and the other way
// round, with no sync: what Python closes is in the folder, what the page writes is seen at
// Python's next open or listdir, and nothing else is touched.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { ISOLATED, PLAIN, useBrowser, ev, waitFor, said } from "./harness.mjs";
import { python, openPage } from "./python.mjs";

const T = { timeout: 180000 };

// Emscripten's errno numbers, which both interpreters raise (MicroPython's own errno module
// has other numbers; Pyodide's errno module has these).
const ERRNO = { EACCES: 2, EEXIST: 20, EISDIR: 31, ENOENT: 44, ENOTDIR: 54, ENOTEMPTY: 55 };

// Python's helpers: `wait_go()` until the page's go(); `tree(root)` as the page's tree() reads
// the folder ({"a/b.txt": text, "a": "(folder)"}); `errno_of(f, *args)`, the errno f raises.
const helpers = (channel = "go") => `
import asyncio
import os
go = []
channel = js.BroadcastChannel.new("${channel}")
channel.onmessage = ffi.create_proxy(lambda event: go.append(1))

async def wait_go():
    while not go:
        await asyncio.sleep(0.02)
    go.clear()

def tree(root):
    out = {}
    def walk(rel):
        for name in sorted(os.listdir(root + "/" + rel if rel else root)):
            path = rel + "/" + name if rel else name
            if os.stat(root + "/" + path)[0] & 0x4000:
                out[path] = "(folder)"
                walk(path)
            else:
                out[path] = read(root + "/" + path)
    walk("")
    return out

def errno_of(f, *args):
    try:
        f(*args)
        return None
    except OSError as e:
        return e.args[0]

def write(path, text, how="w"):
    with open(path, how) as f:
        f.write(text)
`;

const DIR = "(folder)";

// The report of `step`, or of the crash that ended the Python before it.
const report = (page, step, timeout = 60000) =>
  waitFor(page, (s) => globalThis.reports.find((r) => r.step === s || r.crashed), step, { timeout, what: `Python's report "${step}"` });

async function crashFree(page, step, timeout) {
  const r = await report(page, step, timeout);
  assert.equal(r.crashed, undefined, `Python failed: ${r.crashed}; the page said:\n${said(page)}`);
  return r;
}

const write = (page, path, text, folder = "picked-1") => ev(page, ([f, p, t]) => globalThis.write(f, p, t), [folder, path, text]);
const remove = (page, path, folder = "picked-1") => ev(page, ([f, p]) => globalThis.remove(f, p), [folder, path]);
const tree = (page, folder = "picked-1") => ev(page, ([f]) => globalThis.tree(f), [folder]);
const go = (page, name = "go") => ev(page, (n) => globalThis.go(n), name);

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
        "replaced.txt": "new", "sub": DIR, "sub/moved.txt": "deep",
      });
      assert.deepEqual(problems, []);
      await context.close();
    });
  }
});
