// A folder of the device mounted in place in a Pyodide or MicroPython worker: an Emscripten
// filesystem whose operations are blocking calls to an I/O worker, which makes the File System
// Access calls (they are async, and the interpreter's thread cannot await in the middle of a
// read()). Nothing is copied at mount; what Python reads is read from the folder when it reads
// it, and what it writes reaches the folder when the file is closed or fsync'd (each file is
// written through a `createWritable` stream, which the browser commits whole at its close: a
// write cut off, the worker terminated, leaves the file as it was).
//
// One file, two roles, so that a bundler that copies it as a plain asset keeps both: imported,
// it is the filesystem (`mount`, `sync`, `unmount`, `forget`: the copy mount's entry points); started as a worker named
// "fshandles-io" (by `mount`, from this file's own URL), it is the I/O worker.
//
// Needs a SharedArrayBuffer (a cross-origin isolated page): the interpreter's thread sleeps in
// Atomics.wait until the I/O worker has written the answer into it.

const IO_NAME = "fshandles-io";

// How much one answer carries; also what a read fetches ahead and a write gathers before it
// goes out: big enough that a 1 MiB step is one call, small enough to bound memory.
const AREA = 1 << 20;
// The answer's header, in Int32 words: state (0 asked, 1 answered), errno, length, kind.
const HEADER_WORDS = 4;
const KIND_NONE = 0;
const KIND_JSON = 1;
const KIND_BYTES = 2;
// How long a call may wait for the I/O worker before it fails with EIO: long enough for the
// browser to copy a big file into a write's swap file.
const CALL_TIMEOUT_MS = 300000;
const START_TIMEOUT_MS = 30000;

// Emscripten's errno numbers (WASI's), which both interpreters' FS.ErrnoError takes.
const E = {
  ACCES: 2, BUSY: 10, EXIST: 20, INVAL: 28, IO: 29, ISDIR: 31, NOENT: 44,
  NOSPC: 51, NOTDIR: 54, NOTEMPTY: 55, PERM: 63,
};

const DIR = 0o40000;
const FILE = 0o100000;

// ---------------------------------------------------------------------------------------------
// The I/O worker.

// A DOMException's name as the errno Python gets.
function errnoOf(e, op) {
  switch (e?.name) {
    case "NotFoundError": return E.NOENT;
    case "TypeMismatchError": return op === "open" || op === "create" ? E.ISDIR : E.NOTDIR;
    case "InvalidModificationError": return op === "rmdir" ? E.NOTEMPTY : E.EXIST;
    case "NotAllowedError":
    case "SecurityError": return E.ACCES;
    case "QuotaExceededError": return E.NOSPC;
    case "NoModificationAllowedError": return E.BUSY;
    case "TypeError": return E.INVAL;
    default: return E.IO;
  }
}

const split = (path) => (path ? path.split("/") : []);
const join = (a, b) => (a ? `${a}/${b}` : b);

function serve() {
  const roots = new Map(); // mount id -> {root: its folder, mode: the permission it needs}
  const dirs = new Map(); // "id:a/b" -> that folder's handle, a cache cleared on any doubt
  const files = new Map(); // open id -> {handle, file (a snapshot, or null), writable, size}
  let nextFile = 1;
  let header = null;
  let area = null;
  let written = null; // the buffer writes go through
  let readBuffer = null; // the buffer reads go through
  let pending = null; // the rest of an answer too long for the area
  const encoder = new TextEncoder();

  // The mount `mount`: {root, mode}.
  function mountOf(mount) {
    const m = roots.get(mount);
    if (!m) throw new DOMException("not mounted", "NotFoundError");
    return m;
  }

  async function dirAt(mount, parts) {
    let dir = mountOf(mount).root;
    let key = `${mount}:`;
    for (const part of parts) {
      key += `/${part}`;
      const known = dirs.get(key);
      dir = known ?? (await dir.getDirectoryHandle(part));
      if (!known) dirs.set(key, dir);
    }
    return dir;
  }

  // The folder holding `path`, and the entry's name in it.
  async function parentOf(mount, path) {
    const parts = split(path);
    return [await dirAt(mount, parts.slice(0, -1)), parts.at(-1)];
  }

  async function fileAt(mount, path, create = false) {
    const [dir, name] = await parentOf(mount, path);
    return dir.getFileHandle(name, { create });
  }

  // The file or folder `name` in `dir`.
  async function entryAt(dir, name) {
    try {
      return await dir.getFileHandle(name);
    } catch (e) {
      if (e?.name !== "TypeMismatchError") throw e;
      return dir.getDirectoryHandle(name);
    }
  }

  async function stat(mount, path) {
    if (!path) {
      await dirAt(mount, []);
      return { dir: true };
    }
    const entry = await entryAt(...(await parentOf(mount, path)));
    if (entry.kind === "directory") return { dir: true };
    const file = await entry.getFile();
    return { dir: false, size: file.size, time: file.lastModified };
  }

  async function copyInto(from, dir, name) {
    if (from.kind === "file") {
      const w = await (await dir.getFileHandle(name, { create: true })).createWritable();
      await (await from.getFile()).stream().pipeTo(w);
      return;
    }
    const to = await dir.getDirectoryHandle(name, { create: true });
    for await (const [child, handle] of from.entries()) await copyInto(handle, to, child);
  }

  async function rename(mount, from, to) {
    const [fromDir, fromName] = await parentOf(mount, from);
    const [toDir, toName] = await parentOf(mount, to);
    const handle = await entryAt(fromDir, fromName);
    // POSIX replaces the target; move() may refuse to. The caller checked that a folder
    // replaces only an empty folder and a file only a file.
    await toDir.removeEntry(toName).catch((e) => {
      if (e?.name !== "NotFoundError") throw e;
    });
    if (typeof handle.move === "function") {
      // A file open here keeps being written under its new name, as on a disk: its handle
      // still names the old one, the moved handle the new one.
      const moving = [];
      if (handle.kind === "file") {
        for (const open of files.values()) if (await open.handle.isSameEntry(handle)) moving.push(open);
      }
      try {
        await handle.move(toDir, toName);
        for (const open of moving) {
          open.handle = handle;
          forgetSnapshot(open);
        }
        return;
      } catch (e) {
        // A folder of the device may not move in this browser: copied and removed below.
        if (handle.kind === "file" || !["NotSupportedError", "InvalidModificationError", "TypeError"].includes(e?.name)) throw e;
      }
    }
    await copyInto(handle, toDir, toName);
    await fromDir.removeEntry(fromName, { recursive: true });
  }

  async function writable(open, fresh) {
    open.writable ??= await open.handle.createWritable({ keepExistingData: !fresh });
    if (open.size === null) open.size = fresh ? 0 : (await open.handle.getFile()).size;
    return open.writable;
  }

  // Runs a write to `open`'s writable. A write that fails (the quota, say) leaves the
  // writable broken: it is dropped, with what it held since the last commit, and the file
  // stays as it was then.
  async function unlessFailed(open, run) {
    forgetSnapshot(open);
    try {
      await run();
    } catch (e) {
      const w = open.writable;
      open.writable = null;
      open.size = null;
      await w?.abort().catch(() => {});
      throw e;
    }
  }

  // Drops `open`'s snapshot of its file, and the reader of it: the file changed.
  function forgetSnapshot(open) {
    open.reader?.cancel().catch(() => {});
    open.reader = null;
    open.file = null;
  }

  async function read(open, position, length) {
    for (let tries = 0; ; tries++) {
      open.file ??= await open.handle.getFile();
      try {
        return await readInto(open, position, length);
      } catch (e) {
        // The file changed since the snapshot was taken: take a new one, once.
        forgetSnapshot(open);
        if (e?.name !== "NotReadableError" || tries) throw e;
      }
    }
  }

  // Reads through a BYOB reader of the file's stream, kept while reads follow one another,
  // into one buffer reused by every read: a file read through leaves no garbage behind
  // (`arrayBuffer()` would leave a buffer a read, which a worker collects late).
  async function readInto(open, position, length) {
    if (!open.reader || open.readAt !== position) {
      open.reader?.cancel().catch(() => {});
      open.reader = null;
      const stream = open.file.slice(position).stream();
      try {
        open.reader = stream.getReader({ mode: "byob" });
      } catch {
        // A browser whose file streams are not byte streams: a buffer a read.
        return new Uint8Array(await open.file.slice(position, position + length).arrayBuffer());
      }
      open.readAt = position;
    }
    let buffer = readBuffer?.byteLength >= length ? readBuffer : new ArrayBuffer(Math.max(length, AREA));
    readBuffer = null;
    let filled = 0;
    while (filled < length) {
      const { value, done } = await open.reader.read(new Uint8Array(buffer, filled, length - filled));
      if (value) buffer = value.buffer;
      if (done) {
        open.reader = null;
        break;
      }
      filled += value.byteLength;
    }
    open.readAt = position + filled;
    // The reader hands the buffer back in each answer; without one it is gone.
    readBuffer = buffer.byteLength ? buffer : null;
    return new Uint8Array(buffer, 0, filled);
  }

  // Fails with NotAllowedError (EACCES) once the folder's permission is gone: the user took
  // it back in the browser's settings, say. The browser's own calls then fail the same way;
  // asking first gives one answer in every browser at the calls where Python meets the folder
  // anew (an open, a listing, a change), for 0.25 ms each here (a getFileHandle: 0.8 ms).
  async function allowed(mount) {
    const m = mountOf(mount);
    const state = await m.root.queryPermission?.({ mode: m.mode });
    if (state !== undefined && state !== "granted") {
      throw new DOMException(`the permission to ${m.mode === "read" ? "read" : "change"} "${m.root.name}" is gone`, "NotAllowedError");
    }
  }

  // The ops that first meet a path, each asking whether the folder is still allowed.
  const checked = (run) => async (mount, ...args) => {
    await allowed(mount);
    return run(mount, ...args);
  };

  const OPS = {
    async mount(id, root, mode) {
      roots.set(id, { root, mode });
    },
    async forget(id) {
      roots.delete(id);
      dirs.clear();
    },
    stat,
    access: checked(async (mount, path) => {
      await dirAt(mount, split(path));
    }),
    list: checked(async (mount, path) => {
      const out = [];
      for await (const [name, handle] of (await dirAt(mount, split(path))).entries()) {
        out.push([name, handle.kind === "directory" ? 1 : 0]);
      }
      return out;
    }),
    mkdir: checked(async (mount, path) => {
      const [dir, name] = await parentOf(mount, path);
      await dir.getDirectoryHandle(name, { create: true });
    }),
    create: checked(async (mount, path) => {
      await fileAt(mount, path, true);
    }),
    unlink: checked(async (mount, path) => {
      const [dir, name] = await parentOf(mount, path);
      await dir.removeEntry(name);
    }),
    rmdir: checked(async (mount, path) => {
      const [dir, name] = await parentOf(mount, path);
      await dir.removeEntry(name);
      dirs.clear();
    }),
    rename: checked(async (mount, from, to) => {
      await rename(mount, from, to);
      dirs.clear();
    }),
    truncate: checked(async (mount, path, size) => {
      const w = await (await fileAt(mount, path)).createWritable({ keepExistingData: size > 0 });
      if (size > 0) await w.truncate(size);
      await w.close();
    }),
    open: checked(async (mount, path, create) => {
      const id = nextFile++;
      files.set(id, { handle: await fileAt(mount, path, create), file: null, writable: null, size: null });
      return id;
    }),
    async read(id, position, length) {
      return read(files.get(id), position, length);
    },
    // The rest of an answer too long for the area, piece by piece.
    async more(offset) {
      const piece = pending.subarray(offset, offset + area.byteLength);
      if (offset + piece.byteLength >= pending.byteLength) pending = null;
      return piece;
    },
    // Writes the `length` bytes in the area at `position`; answers the file's size after it.
    // The bytes go through one buffer, reused: the writable takes its copy before its write
    // resolves (and a shared buffer is not a BufferSource it takes).
    async write(id, position, fresh, length) {
      const open = files.get(id);
      const data = (written ??= new Uint8Array(area.byteLength)).subarray(0, length);
      data.set(area.subarray(0, length));
      await unlessFailed(open, async () => (await writable(open, fresh)).write({ type: "write", position, data }));
      open.size = Math.max(open.size, position + length);
      return open.size;
    },
    async setsize(id, fresh, size) {
      const open = files.get(id);
      await unlessFailed(open, async () => (await writable(open, fresh && size === 0)).truncate(size));
      open.size = size;
    },
    async commit(id) {
      const open = files.get(id);
      const w = open.writable;
      open.writable = null;
      open.size = null;
      forgetSnapshot(open);
      if (w) await w.close();
    },
    async close(id) {
      try {
        await OPS.commit(id);
      } finally {
        files.delete(id);
      }
    },
  };

  function answer(errno, value) {
    let kind = KIND_NONE;
    let bytes = null;
    if (value instanceof Uint8Array) {
      kind = KIND_BYTES;
      bytes = value;
    } else if (value !== undefined) {
      kind = KIND_JSON;
      bytes = encoder.encode(JSON.stringify(value));
    }
    const length = bytes ? bytes.byteLength : 0;
    if (length > area.byteLength) {
      // Only a listing can be this long: the caller pages through it ("more").
      pending = bytes;
      bytes = bytes.subarray(0, area.byteLength);
    }
    if (bytes) area.set(bytes);
    header[1] = errno;
    header[2] = length;
    header[3] = kind;
    Atomics.store(header, 0, 1);
    Atomics.notify(header, 0);
  }

  let queue = Promise.resolve();
  self.onmessage = ({ data }) => {
    if (data?.sab) {
      header = new Int32Array(data.sab, 0, HEADER_WORDS);
      area = new Uint8Array(data.sab, HEADER_WORDS * 4);
      self.postMessage({ ready: true });
      return;
    }
    const { op, args } = data;
    // One at a time and in order: the caller waits for each answer.
    queue = queue.then(async () => {
      let errno = 0;
      let value;
      try {
        value = await OPS[op](...args);
      } catch (e) {
        errno = errnoOf(e, op);
        if (errno === E.IO) console.warn(`fshandles: ${op} failed:`, e);
        // A cached folder may be stale (removed and made again outside): look again next time.
        dirs.clear();
      }
      answer(errno, value);
    });
  };
}

if (typeof WorkerGlobalScope !== "undefined" && globalThis.name === IO_NAME) serve();

// ---------------------------------------------------------------------------------------------
// The filesystem, in the interpreter's worker.

let starting = null;

// The I/O worker, started once (from this file's URL) and known to answer.
function ioWorker() {
  starting ??= startIo().catch((e) => {
    starting = null;
    throw e;
  });
  return starting;
}

async function startIo() {
  if (!globalThis.crossOriginIsolated || typeof SharedArrayBuffer === "undefined") {
    throw new DOMException("a direct mount needs a cross-origin isolated page (sab mode)", "NotSupportedError");
  }
  const worker = new Worker(import.meta.url, { type: "module", name: IO_NAME });
  const sab = new SharedArrayBuffer(HEADER_WORDS * 4 + AREA);
  const header = new Int32Array(sab, 0, HEADER_WORDS);
  const area = new Uint8Array(sab, HEADER_WORDS * 4);
  await new Promise((resolve, reject) => {
    const fail = (why) => {
      worker.terminate();
      reject(new DOMException(`the I/O worker (${import.meta.url}) did not start: ${why}`, "NotSupportedError"));
    };
    const timer = setTimeout(() => fail(`no answer in ${START_TIMEOUT_MS} ms`), START_TIMEOUT_MS);
    worker.onerror = (e) => fail(e.message || "it failed to load");
    worker.onmessage = ({ data }) => data?.ready && (clearTimeout(timer), resolve());
    worker.postMessage({ sab });
  });
  worker.onmessage = null;
  const decoder = new TextDecoder();
  // Posts `op` and sleeps until the I/O worker has answered in the buffer.
  const ask = (FS, op, args) => {
    Atomics.store(header, 0, 0);
    worker.postMessage({ op, args });
    if (Atomics.wait(header, 0, 0, CALL_TIMEOUT_MS) === "timed-out") {
      console.warn(`fshandles: the I/O worker did not answer ${op} in ${CALL_TIMEOUT_MS} ms`);
      throw new FS.ErrnoError(E.IO);
    }
    if (header[1]) throw new FS.ErrnoError(header[1]);
  };
  return {
    // An op answered through the buffer, waited for: its value, or an ErrnoError thrown.
    // `payload` (at most AREA bytes: a write's) goes to the I/O worker through the buffer too;
    // answered bytes are copied into `into` when it is given and big enough (a read's reused
    // buffer). So streaming a file allocates nothing per call on this side.
    call(FS, op, args, { payload = null, into = null } = {}) {
      if (payload) area.set(payload);
      ask(FS, op, payload ? [...args, payload.byteLength] : args);
      const length = header[2];
      const kind = header[3];
      if (kind === KIND_NONE) return undefined;
      // A copy: TextDecoder refuses shared memory, and the next call reuses the area.
      const bytes = into && into.byteLength >= length ? into.subarray(0, length) : new Uint8Array(length);
      bytes.set(area.subarray(0, Math.min(length, area.byteLength)));
      for (let at = area.byteLength; at < length; at += area.byteLength) {
        ask(FS, "more", [at]);
        bytes.set(area.subarray(0, Math.min(length - at, area.byteLength)), at);
      }
      return kind === KIND_BYTES ? bytes : JSON.parse(decoder.decode(bytes));
    },
  };
}

// The interpreter's heap (an Int8Array) as bytes.
const heapBytes = (heap) => new Uint8Array(heap.buffer, heap.byteOffset, heap.byteLength);

// How many buffers of closed files a mount keeps for the next ones.
const SPARE_BUFFERS = 4;

const mounts = new Map(); // path -> its Mount
let nextMount = 1;

// One mounted folder: the Emscripten filesystem type, its nodes and its open files.
class Mount {
  constructor(FS, io, id, readOnly) {
    Object.assign(this, { FS, io, id, readOnly });
    this.opened = new Set(); // nodes with an open file
    this.truncated = new Set(); // nodes truncated to 0, not yet told to the folder (see setattr)
    this.made = new Date();
    this.spare = [];
    this.type = { mount: () => this.node(null, "/", true) };
  }

  call(op, ...args) {
    this.flushTruncations();
    return this.io.call(this.FS, op, args);
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
    const access = this.readOnly ? (dir ? 0o555 : 0o444) : dir ? 0o777 : 0o666;
    const node = FS.createNode(parent, name, (dir ? DIR : FILE) | access, 0);
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

  // Truncation to 0 is held back until the next call: FS.open truncates before it opens, and a
  // file opened with "w" must keep its old content until it is closed (the writable's commit).
  flushTruncations() {
    if (!this.truncated.size || this.flushing) return;
    this.flushing = true;
    try {
      for (const node of this.truncated) {
        this.truncated.delete(node);
        this.io.call(this.FS, "truncate", [this.id, this.pathOf(node), 0]);
      }
    } finally {
      this.flushing = false;
    }
  }

  // The file `node` as open here: {id, refs, fresh, dirty, size, gathered, version}.
  // Writes gather in `gathered` ({position, length, bytes}, a buffer of AREA bytes the file
  // keeps while open) and go out by AREA.
  flush(open) {
    const g = open.gathered;
    if (!g) return;
    open.gathered = null;
    this.send(open, g.position, g.bytes.subarray(0, g.length));
  }

  send(open, position, bytes) {
    try {
      open.size = this.io.call(this.FS, "write", [open.id, position, open.fresh], { payload: bytes });
    } catch (e) {
      // What was written since the last commit is gone (see unlessFailed): start again from
      // the file as the folder holds it.
      open.dirty = false;
      open.size = null;
      open.version++;
      throw e;
    }
    open.fresh = false;
    open.dirty = true;
  }

  // Writes what `node`'s open file gathered and commits it to the folder.
  commitNode(node) {
    const open = node.open;
    if (!open) return;
    this.flush(open);
    if (open.dirty) this.call("commit", open.id);
    open.dirty = false;
    open.size = null;
    open.version++;
  }

  // Sets the size of a file open here; written out at its commit.
  resize(open, size) {
    this.flush(open);
    this.call("setsize", open.id, open.fresh, size);
    open.fresh = false;
    open.dirty = true;
    open.size = size;
    open.version++;
  }

  commitAll() {
    this.flushTruncations();
    for (const node of this.opened) this.commitNode(node);
  }

  // What a file holds now, as Python sees it. Writes not yet sent count without being sent:
  // appending ("a") asks for the size at every write.
  sizeOf(node) {
    if (this.truncated.has(node)) return 0;
    const open = node.open;
    if (!open?.gathered && !open?.dirty) return this.call("stat", this.id, this.pathOf(node)).size;
    // Before any write went out, the file is what the folder holds (or nothing, if truncated).
    open.size ??= open.fresh ? 0 : this.call("stat", this.id, this.pathOf(node)).size;
    const g = open.gathered;
    return g ? Math.max(open.size, g.position + g.length) : open.size;
  }

  get nodeOps() {
    const self = this;
    const { FS } = this;
    return (this._nodeOps ??= {
      getattr(node) {
        const dir = FS.isDir(node.mode);
        let size = 4096;
        let time = self.made;
        if (dir) {
          if (!self.call("stat", self.id, self.pathOf(node)).dir) throw new FS.ErrnoError(E.NOTDIR);
        } else if (self.truncated.has(node) || node.open?.dirty || node.open?.gathered) {
          size = self.sizeOf(node);
          time = new Date();
        } else {
          const st = self.call("stat", self.id, self.pathOf(node));
          if (st.dir) throw new FS.ErrnoError(E.ISDIR);
          size = st.size;
          time = new Date(st.time);
        }
        return {
          dev: 0x6668, ino: node.id, mode: node.mode, nlink: 1, uid: 0, gid: 0, rdev: 0, size,
          atime: time, mtime: time, ctime: time, blksize: 4096, blocks: Math.ceil(size / 4096),
        };
      },
      setattr(node, attr) {
        // Modes and times cannot be set on a folder of the device: accepted and left (as
        // shutil.copy2 expects).
        if (attr.size === undefined) return;
        self.refuseIfReadOnly();
        const open = node.open;
        if (open) {
          self.resize(open, attr.size);
        } else if (attr.size === 0) {
          self.truncated.add(node);
          // Told to the folder at the next call, or once Python gives the thread back.
          setTimeout(() => {
            try {
              self.flushTruncations();
            } catch (e) {
              console.warn(`fshandles: truncating ${self.FS.getPath(node)} failed (errno ${e?.errno})`);
            }
          }, 0);
        } else {
          self.call("truncate", self.id, self.pathOf(node), attr.size);
        }
      },
      lookup(parent, name) {
        const listed = parent.listing?.get(name);
        if (listed !== undefined) return self.node(parent, name, listed === 1);
        const st = self.call("stat", self.id, self.pathIn(parent, name));
        return self.node(parent, name, st.dir);
      },
      mknod(parent, name, mode) {
        self.refuseIfReadOnly();
        const dir = FS.isDir(mode);
        if (!dir && !FS.isFile(mode)) throw new FS.ErrnoError(E.PERM);
        self.call(dir ? "mkdir" : "create", self.id, self.pathIn(parent, name));
        return self.node(parent, name, dir);
      },
      rename(node, newDir, newName) {
        self.refuseIfReadOnly();
        self.commitNode(node);
        self.call("rename", self.id, self.pathOf(node), self.pathIn(newDir, newName));
        self.forgetNode(newDir, newName);
        node.parent.kids.delete(node.name);
        newDir.kids.set(newName, node);
        node.name = newName;
      },
      unlink(parent, name) {
        self.refuseIfReadOnly();
        self.call("unlink", self.id, self.pathIn(parent, name));
        const kid = parent.kids.get(name);
        if (kid) self.truncated.delete(kid);
        parent.kids.delete(name);
      },
      rmdir(parent, name) {
        self.refuseIfReadOnly();
        self.call("rmdir", self.id, self.pathIn(parent, name));
        parent.kids.delete(name);
      },
      readdir(node) {
        const entries = self.call("list", self.id, self.pathOf(node));
        node.listing = new Map(entries);
        // Nodes known here that the folder no longer has, or has as the other kind, are
        // forgotten: what changed outside is seen at the next listdir.
        for (const [name, kid] of [...node.kids]) {
          const listed = node.listing.get(name);
          if (kid.open || self.truncated.has(kid)) continue;
          if (listed === undefined || (listed === 1) !== FS.isDir(kid.mode)) self.forgetNode(node, name);
        }
        return [".", "..", ...node.listing.keys()];
      },
      symlink() {
        throw new FS.ErrnoError(E.PERM);
      },
      readlink() {
        throw new FS.ErrnoError(E.INVAL);
      },
    });
  }

  get streamOps() {
    const self = this;
    const { FS } = this;
    return (this._streamOps ??= {
      open(stream) {
        const node = stream.node;
        if (FS.isDir(node.mode)) {
          // A folder is opened to be listed: its errors belong here, where every libc reports
          // them (MicroPython's listdir takes a failed readdir for the end of the folder).
          self.call("access", self.id, self.pathOf(node));
          return;
        }
        const writes = (stream.flags & 3) !== 0;
        if (writes) self.refuseIfReadOnly();
        const fresh = self.truncated.delete(node);
        if (!node.open) {
          const id = self.call("open", self.id, self.pathOf(node), (stream.flags & 64) !== 0);
          node.open = { id, refs: 0, fresh, dirty: false, size: null, gathered: null, version: 0 };
          self.opened.add(node);
        } else if (fresh) {
          // Truncated while another descriptor has it open.
          self.resize(node.open, 0);
        }
        node.open.refs++;
      },
      dup(stream) {
        // The copy of a stream gets a read-ahead buffer of its own.
        stream.buffer = null;
        stream.cache = null;
        if (stream.node.open) stream.node.open.refs++;
      },
      close(stream) {
        const node = stream.node;
        const open = node.open;
        self.giveBack(stream.buffer);
        stream.buffer = stream.cache = null;
        if (!open || --open.refs > 0) return;
        node.open = null;
        self.opened.delete(node);
        try {
          self.flush(open);
        } finally {
          self.giveBack(open.buffer);
          self.call("close", open.id);
        }
      },
      fsync(stream) {
        self.commitNode(stream.node);
        return 0;
      },
      llseek(stream, offset, whence) {
        let position = offset;
        if (whence === 1) position += stream.position;
        else if (whence === 2 && FS.isFile(stream.node.mode)) position += self.sizeOf(stream.node);
        if (position < 0) throw new FS.ErrnoError(E.INVAL);
        return position;
      },
      read(stream, buffer, offset, length, position) {
        const node = stream.node;
        const open = node.open;
        if (self.truncated.has(node)) return 0;
        if (open.gathered || open.dirty) self.commitNode(node);
        let done = 0;
        while (done < length) {
          const at = position + done;
          let cache = stream.cache;
          if (!cache || cache.version !== open.version || at < cache.position || at >= cache.position + cache.bytes.byteLength) {
            // The stream's one read-ahead buffer, reused: a file read through leaves no garbage.
            stream.buffer ??= self.borrow();
            self.flushTruncations();
            const bytes = self.io.call(FS, "read", [open.id, at, AREA], { into: stream.buffer });
            cache = stream.cache = { position: at, bytes, version: open.version };
            if (!bytes.byteLength) break;
          }
          const from = at - cache.position;
          const n = Math.min(length - done, cache.bytes.byteLength - from);
          // Through a byte view of the heap: a set between typed arrays of one type is a copy
          // of memory, between Int8Array and Uint8Array a conversion of each element.
          heapBytes(buffer).set(cache.bytes.subarray(from, from + n), offset + done);
          done += n;
          if (cache.bytes.byteLength < AREA && from + n >= cache.bytes.byteLength) break; // the end
        }
        return done;
      },
      write(stream, buffer, offset, length, position) {
        self.refuseIfReadOnly();
        const open = stream.node.open;
        stream.cache = null;
        open.version++;
        let g = open.gathered;
        if (g && g.position + g.length !== position) {
          self.flush(open);
          g = null;
        }
        const heap = heapBytes(buffer);
        let done = 0;
        // Whole steps of AREA go out as they are; the rest is gathered (a copy: the
        // interpreter's memory is reused as soon as this returns).
        for (; !open.gathered && length - done >= AREA; done += AREA) {
          self.send(open, position + done, heap.subarray(offset + done, offset + done + AREA));
        }
        while (done < length) {
          g = open.gathered ??= { position: position + done, length: 0, bytes: (open.buffer ??= self.borrow()) };
          const n = Math.min(length - done, AREA - g.length);
          g.bytes.set(heap.subarray(offset + done, offset + done + n), g.length);
          g.length += n;
          done += n;
          if (g.length === AREA) self.flush(open);
        }
        if (open.size !== null) open.size = Math.max(open.size, position + length);
        return length;
      },
      mmap() {
        throw new FS.ErrnoError(E.PERM);
      },
    });
  }
}

// Every entry point answers {ok: true, value} or {ok: false, name, message} and never throws:
// a JS exception thrown into MicroPython ends its run.
async function outcomeOf(run) {
  try {
    return { ok: true, value: await run() };
  } catch (e) {
    const name = e?.name === "ErrnoError" ? "UnknownError" : (e?.name ?? "UnknownError");
    return { ok: false, name, message: e?.message || `${name} (errno ${e?.errno ?? "?"})` };
  }
}

/** Starts the I/O worker ahead of the first mount. */
export const start = () =>
  outcomeOf(async () => {
    await ioWorker();
  });

/** Mounts `root` (a FileSystemDirectoryHandle) at `path` of the interpreter's `FS`, in place. */
export const mount = (FS, path, root, readOnly) =>
  outcomeOf(async () => {
    const io = await ioWorker();
    const id = nextMount++;
    io.call(FS, "mount", [id, root, readOnly ? "read" : "readwrite"]);
    FS.mkdirTree(path);
    const m = new Mount(FS, io, id, readOnly);
    try {
      FS.mount(m.type, {}, path);
    } catch (e) {
      io.call(FS, "forget", [id]);
      throw e;
    }
    mounts.set(path, m);
  });

// What a sync of a direct mount reports, in the copy mount's shape: nothing to reconcile.
const NOTHING = { read: [], written: [], removed: [], conflicts: [] };

/** Writes to the folder what files open under `path` hold and have not yet written. */
export const sync = (path) =>
  outcomeOf(async () => {
    mounts.get(path)?.commitAll();
    return NOTHING;
  });

/** Commits and unmounts `path`. */
export const unmount = (path) =>
  outcomeOf(async () => {
    const m = mounts.get(path);
    if (!m) return NOTHING;
    m.commitAll();
    m.FS.unmount(path);
    mounts.delete(path);
    m.io.call(m.FS, "forget", [m.id]);
    return NOTHING;
  });

/** Unmounts `path` (its folder was revoked); what open files hold is written out first, as
 * there is no copy to keep it. */
export const forget = unmount;
