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
import { outcomeOf, NO_CHANGES } from "./engine.js";

if ("WorkerGlobalScope" in globalThis && self.name === IO_NAME) serve();

const mounts = new Map(); // path -> its Mount
let nextMount = 1;

const io = () => ioWorker(import.meta.url);

/** Starts the I/O worker ahead of the first mount. */
export const start = () =>
  outcomeOf(async () => {
    await io();
  });

/**
 * Mounts `root` (a FileSystemDirectoryHandle) at `path` of the interpreter's `FS`, in place.
 * @type {import("./engine_types").Engine["mount"]}
 */
export const mount = (FS, path, root, readOnly) =>
  outcomeOf(async () => {
    const link = await io();
    const id = nextMount++;
    link.call(FS, "mount", [id, root, readOnly ? "read" : "readwrite"]);
    FS.mkdirTree(path);
    const m = new Mount(FS, link, id, readOnly);
    try {
      FS.mount(m.type, {}, path);
    } catch (e) {
      link.call(FS, "forget", [id]);
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
    mounts.get(path)?.commitAll();
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
    m.commitAll();
    m.FS.unmount(path);
    mounts.delete(path);
    m.io.call(m.FS, "forget", [m.id]);
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
