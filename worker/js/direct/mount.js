// One folder mounted in place in an interpreter: the Emscripten filesystem type, its nodes and
// its open files. Each node and stream operation (node_ops.js, stream_ops.js) is a blocking
// call to the I/O worker (link.js), and as few of them as it can be: an answer about an entry
// serves the calls that follow it at once (see `recall`), a file is made by the open that
// follows its making, and a file's last bytes go with its close.
import { AREA, Errno } from "./link.js";
import { E, O, S } from "../emscripten.js";
import { nodeOps } from "./node_ops.js";
import { streamOps } from "./stream_ops.js";

// How many buffers of closed files a mount keeps for the next ones.
const SPARE_BUFFERS = 4;

// How long an answer about an entry serves the calls that follow it, where no call to the
// folder came in between: one Python call's worth (an open then its fstat, a lookup then the
// stat), never a loop that polls.
const RECENT_MS = 10;

const join = (a, b) => (a ? `${a}/${b}` : b);

// The flags of the FS.open under way, by FS: Emscripten's FS.open takes O_EXCL (and O_TRUNC)
// out of the flags it gives a stream's open, so an open that must make its file alone could
// not tell. One watch an interpreter, shared by its mounts.
const opening = new WeakMap();

function watchOpens(FS) {
  let watch = opening.get(FS);
  if (watch) return watch;
  watch = { flags: 0 };
  const open = FS.open;
  FS.open = function (path, flags, ...rest) {
    const outer = watch.flags;
    watch.flags = typeof flags === "number" ? flags : 0;
    try {
      return open.call(this, path, flags, ...rest);
    } finally {
      watch.flags = outer;
    }
  };
  opening.set(FS, watch);
  return watch;
}

export class Mount {
  /**
   * @param FS the interpreter's Emscripten FS
   * @param io the I/O worker's link (link.js)
   * @param {number} id the mount's id in the I/O worker
   * @param {boolean} readOnly
   */
  constructor(FS, io, id, readOnly) {
    this.FS = FS;
    this.io = io;
    this.id = id;
    this.readOnly = readOnly;
    this.opening = watchOpens(FS);
    this.opened = new Set(); // nodes with an open file
    // Nodes whose making ("create") or emptying ("truncate") waits for the open that follows
    // (FS.open makes and truncates before it opens), else for the next call.
    this.deferred = new Map();
    this.calls = 0; // calls made to the I/O worker: how fresh a remembered answer is
    this.recent = null; // the last answer about an entry: {path, stat (null: missing), calls, at}
    this.made = new Date();
    this.spare = [];
    this.nodeOps = nodeOps(this);
    this.streamOps = streamOps(this);
    this.root = null;
    this.type = { mount: () => (this.root = this.node(null, "/", true)) };
  }

  /** Op `op` of the I/O worker, after what was deferred: its answer. */
  call(op, ...args) {
    this.flushDeferred();
    return this.ask(op, args);
  }

  ask(op, args, options) {
    this.calls++;
    try {
      return this.io.call(op, args, options);
    } catch (e) {
      if (e instanceof Errno) throw new this.FS.ErrnoError(e.errno);
      // Anything else thrown into the interpreter ends it (Pyodide's "fatal error"): an EIO,
      // and the cause told.
      console.warn(`fshandles: ${op} failed:`, e);
      throw new this.FS.ErrnoError(E.IO);
    }
  }

  /** Remembers what the folder said of `path` (`stat`, null: missing) for the calls right after. */
  remember(path, stat) {
    this.recent = { path, stat, calls: this.calls, at: performance.now() };
  }

  /** What was remembered of `path`, if no call came since and it is recent; else undefined. */
  recall(path) {
    const r = this.recent;
    if (r?.path === path && r.calls === this.calls && performance.now() - r.at < RECENT_MS) return r.stat;
    return undefined;
  }

  /** Whether a remembered thing, stamped with `calls` and `at`, is still as fresh as new. */
  fresh({ calls, at }) {
    return calls === this.calls && performance.now() - at < RECENT_MS;
  }

  /**
   * The stat of `path`, recalled or asked: {dir, size, time}; ENOENT when it is not there. A
   * look made while FS.open makes what it does not find (O_CREAT) is asked once: a file another
   * writer is replacing just then is opened all the same.
   */
  stat(path) {
    const known = this.recall(path);
    if (known === null) throw new this.FS.ErrnoError(E.NOENT);
    if (known) return known;
    try {
      const st = this.call("stat", this.id, path, (this.opening.flags & O.CREAT) !== 0);
      this.remember(path, st);
      return st;
    } catch (e) {
      if (e?.errno === E.NOENT) this.remember(path, null);
      throw e;
    }
  }

  // A node's path from the mount's root: "a/b.txt" ("" for the root).
  pathOf(node) {
    const names = [];
    for (; node !== node.mount.root; node = node.parent) names.push(node.name);
    return names.reverse().join("/");
  }

  // The path of `name` in the folder `parent`.
  pathIn(parent, name) {
    return join(this.pathOf(parent), name);
  }

  node(parent, name, dir) {
    const { FS } = this;
    const access = this.readOnly ? (dir ? S.DIR_RO : S.FILE_RO) : dir ? S.DIR_RW : S.FILE_RW;
    const node = FS.createNode(parent, name, (dir ? S.IFDIR : S.IFREG) | access, 0);
    node.node_ops = this.nodeOps;
    node.stream_ops = this.streamOps;
    node.kids = new Map();
    if (parent) parent.kids.set(name, node);
    return node;
  }

  forgetNode(parent, name) {
    const kid = parent.kids.get(name);
    if (!kid) return;
    parent.kids.delete(name);
    this.deferred.delete(kid);
    this.FS.destroyNode(kid);
  }

  refuseIfReadOnly() {
    if (this.readOnly) throw new this.FS.ErrnoError(E.ACCES);
  }

  // A buffer of AREA bytes (a read-ahead or a gathering of writes), from the few that files
  // closed before gave back: copying a thousand small files allocates a few, not a thousand.
  borrow() {
    return this.spare.pop() ?? new Uint8Array(AREA);
  }

  giveBack(buffer) {
    if (buffer && this.spare.length < SPARE_BUFFERS) this.spare.push(buffer);
  }

  /** Defers making or emptying `node` ("create", "truncate") to its open, or the next call. */
  defer(node, what) {
    this.deferred.set(node, what);
    // Or once Python gives the thread back (os.truncate, os.mknod with no call after).
    setTimeout(() => {
      try {
        this.flushDeferred();
      } catch (e) {
        console.warn(`fshandles: ${what} of ${this.FS.getPath(node)} failed (errno ${e?.errno})`);
      }
    }, 0);
  }

  // What the open of `node` takes of its deferred making or emptying: "create", "truncate", or
  // undefined.
  takeDeferred(node) {
    const what = this.deferred.get(node);
    this.deferred.delete(node);
    return what;
  }

  flushDeferred() {
    if (!this.deferred.size || this.flushing) return;
    this.flushing = true;
    try {
      for (const [node, what] of this.deferred) {
        this.deferred.delete(node);
        const path = this.pathOf(node);
        this.ask(what, what === "create" ? [this.id, path] : [this.id, path, 0]);
      }
    } finally {
      this.flushing = false;
    }
  }

  // The file `node` as open here: {id, refs, size and time (as Python sees them; time null:
  // changed now), dirty (edits sent, not committed), gathered, version (of what reads may
  // keep)}. Writes gather in `gathered`
  // ({position, append, length, bytes}, a buffer of AREA bytes the file keeps while open) and
  // go out by AREA.
  flush(open) {
    const g = open.gathered;
    if (!g) return;
    open.gathered = null;
    this.send(open, g.position, g.append, g.bytes.subarray(0, g.length));
  }

  send(open, position, append, bytes) {
    try {
      this.ask("write", [open.id, position, append], { payload: bytes });
    } catch (e) {
      this.dropped(open);
      throw e;
    }
    open.dirty = true;
  }

  // What was written since the last commit is gone (a commit failed): start again from the
  // file as the folder holds it.
  dropped(open) {
    open.dirty = false;
    open.size = null;
    open.version++;
  }

  /**
   * Writes what `node`'s open file gathered and commits it to the folder; `durable`: flushed to
   * the disk too (an fsync), with what its commits before left unflushed.
   */
  commitNode(node, durable = false) {
    const open = node.open;
    if (!open) return;
    this.flush(open);
    if (!open.dirty && !durable) return;
    try {
      open.size = this.call("commit", open.id, durable) ?? open.size;
      open.time = null;
    } catch (e) {
      this.dropped(open);
      throw e;
    }
    open.dirty = false;
    open.version++;
  }

  /** Sets the size of a file open here; written out at its commit. */
  resize(open, size) {
    this.flush(open);
    this.call("setsize", open.id, size);
    open.dirty = true;
    open.size = size;
    open.version++;
  }

  /** Commits every file open here (`durable`: as fsync does). */
  commitAll(durable = false) {
    this.flushDeferred();
    for (const node of this.opened) this.commitNode(node, durable);
  }

  /**
   * Forgets what reads kept: what other writers committed is seen from here on (a lock was
   * taken). What this mount wrote and has not committed stays.
   */
  revalidate() {
    this.recent = null;
    for (const node of this.opened) {
      const open = node.open;
      open.version++;
      if (!open.dirty && !open.gathered) open.size = null;
    }
  }

  /**
   * Forgets what this mount kept of the entries at `paths` ("a/b.txt"), which changed in the
   * folder: their nodes (unless open here) and their folders' listings. The next look asks.
   */
  follow(paths) {
    this.recent = null;
    for (const path of paths) {
      let parent = null;
      let node = this.root;
      const parts = path.split("/").filter(Boolean);
      for (const part of parts) {
        parent = node;
        node = node?.kids?.get(part);
        if (!node) break;
      }
      if (parent) parent.listing = null;
      if (node && parent && !node.open && !this.deferred.has(node)) this.forgetNode(parent, parts.at(-1));
    }
  }

  // What a file holds now, as Python sees it: an open file's size is what the open found and
  // Python changed since (close-to-open: others' commits are seen at the next open, or lock).
  sizeOf(node) {
    if (this.deferred.get(node) === "truncate") return 0;
    const open = node.open;
    if (!open) return this.stat(this.pathOf(node)).size;
    open.size ??= this.stat(this.pathOf(node)).size;
    return open.size;
  }
}
