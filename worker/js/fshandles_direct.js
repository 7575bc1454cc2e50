// A folder mounted in place in a Pyodide or MicroPython worker: an Emscripten filesystem whose
// operations are blocking calls to an I/O worker, which makes the File System Access calls
// (they are async, and the interpreter's thread cannot await in the middle of a read()).
// Nothing is copied at mount; what Python reads is read from the folder when it reads it, and
// what it writes reaches the folder when the file is closed or fsync'd.
//
// - direct/mount.js, node_ops.js, stream_ops.js: the filesystem, in the interpreter's worker;
// - direct/link.js and call.js: the blocking calls, over a SharedArrayBuffer (a cross-origin
//   isolated page), and the protocol both sides follow;
// - direct/io.js, tree.js, files.js: the I/O worker, and the folders and files it holds.
//
// `cargo xtask build` bundles them into one file, which is both: imported, it is the
// filesystem (this module's exports, a mount engine: engine_types.d.ts); started as a worker named
// "fshandles-io" (by `mount`, from its own URL), it is the I/O worker. So a bundler that copies
// the file as a plain asset keeps both.
import { ioWorker, IO_NAME } from "./direct/link.js";
import { Mount } from "./direct/mount.js";
import { serve } from "./direct/io.js";
import { outcomeOf, outcomeNow, NO_CHANGES } from "./engine.js";

if ("WorkerGlobalScope" in globalThis && self.name === IO_NAME) serve();

const mounts = new Map(); // path -> its Mount
let nextMount = 1;

let started = null; // the I/O worker's link, once it answered

const io = async () => (started = await ioWorker(import.meta.url));

/** Starts the I/O worker ahead of the first mount. */
export const start = () =>
  outcomeOf(async () => {
    await io();
  });

/**
 * Mounts `root` (a FileSystemDirectoryHandle, the folder stored under `key`) at `path` of the
 * interpreter's `FS`, in place.
 * @type {import("./engine_types").Engine["mount"]}
 */
export const mount = (FS, path, root, readOnly, key) =>
  outcomeOf(async () => {
    const link = await io();
    const id = nextMount++;
    link.call("mount", [id, root, readOnly ? "read" : "readwrite", key]);
    FS.mkdirTree(path);
    const m = new Mount(FS, link, id, readOnly);
    try {
      FS.mount(m.type, {}, path);
    } catch (e) {
      link.call("forget", [id]);
      throw e;
    }
    mounts.set(path, m);
  });

/**
 * Writes to the folder what files open under `path` hold and have not yet written.
 * @type {import("./engine_types").Engine["sync"]}
 */
export const sync = (path) =>
  outcomeOf(async () => {
    mounts.get(path)?.commitAll(true);
    return NO_CHANGES();
  });

/**
 * Commits and unmounts `path`.
 * @type {import("./engine_types").Engine["unmount"]}
 */
export const unmount = (path) =>
  outcomeOf(async () => {
    const m = mounts.get(path);
    if (!m) return NO_CHANGES();
    m.commitAll(true);
    m.FS.unmount(path);
    mounts.delete(path);
    m.io.call("forget", [m.id]);
    return NO_CHANGES();
  });

/**
 * Unmounts `path` (its folder was revoked); what open files hold is written out first, as
 * there is no copy to keep it.
 * @type {import("./engine_types").Engine["forget"]}
 */
export const forget = (path) =>
  outcomeOf(async () => {
    await unmount(path);
  });

/**
 * What a watch of the mount at `path` (of its folder `under`, "" for the whole) runs with each
 * batch of changes ([kind, path under the watched folder]), before it is told: the mount forgets
 * what it kept of the entries that changed (nodes, listings, snapshots, folder handles), so
 * that Python sees them as they are now, a folder removed and made again included.
 * @param {string} path
 * @param {string} under
 */
export const ticker = (path, under) => (changes) => {
  const m = mounts.get(path);
  if (!m || !started) return;
  m.follow(changes.map(([, rel]) => (under ? `${under}/${rel}` : rel)));
  started.call("revalidate", []);
};

// The locks programs take by name (fshandles.lock). An interpreter that blocks has the I/O
// worker hold them (`lockNow`, `unlockNow`); one that awaits takes them itself and says so
// (`refreshNow`, `commitNow`). Either way, taking one makes every mount here see what others
// committed before they let go of it, and letting go commits what the mounts' open files
// hold, so that the next holder sees it. These answer at once, never a promise: the
// interpreter's thread waits in them.

/** The I/O worker's link, once started (`start` or a mount started it). */
function linkNow() {
  if (!started) throw new DOMException("fshandles' I/O worker is not running: mount a folder first, or use async with", "InvalidStateError");
  return started;
}

/**
 * Waits for the lock `name` (at most `timeoutMs`, when given) and holds it: true, or false when
 * it was not had in time.
 * @param {string} name
 * @param {number | null} timeoutMs
 * @returns {import("./engine_types").Outcome<boolean>}
 */
export const lockNow = (name, timeoutMs) =>
  outcomeNow(() => {
    const taken = linkNow().call("lock", [name, timeoutMs ?? null], { timeoutMs: Infinity }) === "granted";
    if (taken) for (const m of mounts.values()) m.revalidate();
    return taken;
  });

/**
 * Commits what every mount here holds, then lets go of the lock `name`.
 * @param {string} name
 * @returns {import("./engine_types").Outcome<void>}
 */
export const unlockNow = (name) =>
  outcomeNow(() => {
    try {
      commitAll();
    } finally {
      linkNow().call("unlock", [name]);
    }
  });

/**
 * Every mount here sees what others committed from now on (a lock was taken in this thread).
 * @returns {import("./engine_types").Outcome<void>}
 */
export const refreshNow = () =>
  outcomeNow(() => {
    if (!mounts.size) return;
    for (const m of mounts.values()) m.revalidate();
    linkNow().call("revalidate", []);
  });

/**
 * Commits what every mount here holds (a lock taken in this thread is let go).
 * @returns {import("./engine_types").Outcome<void>}
 */
export const commitNow = () => outcomeNow(commitAll);

function commitAll() {
  for (const m of mounts.values()) m.commitAll();
}
