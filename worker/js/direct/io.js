// The I/O worker of a direct mount: it owns the mounted folders' handles, makes the File System
// Access calls (they are async) and answers the interpreter's blocking calls (call.js), one at a
// time and in order.
import { Server, Kind } from "./call.js";
import { Tree } from "./tree.js";
import { Files, commitEdits } from "./files.js";
import { Edits } from "./edits.js";
import { Held, fileLock } from "./locks.js";
import { E } from "../emscripten.js";

// The ops that bring bytes (a write's, or the last ones of a closing file) in the area: their
// last argument is how many.
const BRINGS_BYTES = new Set(["write", "close"]);

/** Answers the interpreter's calls: what the I/O worker does from its first message on. */
export function serve() {
  const tree = new Tree();
  const held = new Held();
  let server = null;
  let files = null;
  let written = null; // the buffer a write's bytes go through
  let pending = null; // {of: a call's number, bytes}: the rest of its answer, too long for the area
  const encoder = new TextEncoder();

  // The ops that first meet a path, each asking whether the folder is still allowed.
  const checked = (run) => async (mount, ...args) => {
    await tree.allowed(mount);
    return run(mount, ...args);
  };

  const OPS = {
    mount: (id, root, mode, key) => tree.add(id, root, mode, key),
    async forget(id) {
      tree.remove(id);
    },
    stat: (mount, path, once) => tree.stat(mount, path, once),
    access: checked(async (mount, path) => {
      await tree.folder(mount, path);
    }),
    list: checked(async (mount, path) => {
      const out = [];
      for await (const [name, handle] of (await tree.folder(mount, path)).entries()) {
        out.push([name, handle.kind === "directory" ? 1 : 0]);
      }
      return out;
    }),
    mkdir: checked(async (mount, path) => {
      const [dir, name] = await tree.parentOf(mount, path);
      await dir.getDirectoryHandle(name, { create: true });
    }),
    // A file made and not opened (os.mknod; an open makes its file itself).
    create: checked(async (mount, path) => {
      await tree.openFile(mount, path, true, false);
    }),
    unlink: checked(async (mount, path) => {
      const [dir, name] = await tree.parentOf(mount, path);
      await dir.removeEntry(name);
    }),
    rmdir: checked(async (mount, path) => {
      const [dir, name] = await tree.parentOf(mount, path);
      await dir.removeEntry(name);
      tree.forgetFolders();
    }),
    rename: checked(async (mount, from, to) => {
      await tree.rename(mount, from, to, files);
      tree.forgetFolders();
    }),
    // The size of a file not open here set, as a commit of that one change.
    truncate: checked(async (mount, path, size) => {
      const edits = new Edits();
      edits.resize(size);
      await commitEdits(await tree.fileAt(mount, path), fileLock(tree.mountOf(mount).key, path), tree.inPlace(mount), edits);
    }),
    // Opens a file, made where `create` (`exclusive`: only if it was not there), its content
    // to go at the first commit where `truncate`: {id, size, time}; with the whole file where
    // `ahead` and it is small (an open for reading: its first read is then no call).
    open: checked(async (mount, path, create, exclusive, truncate, ahead) => {
      const file = await tree.openFile(mount, path, create, exclusive);
      const opened = await files.add(file, tree.mountOf(mount).key, path, tree.inPlace(mount), truncate, ahead);
      if (truncate) await files.resize(opened.id, 0);
      return opened.bytes ? new WithBytes({ id: opened.id, size: opened.size, time: opened.time }, opened.bytes) : opened;
    }),
    read: (id, position, length) => files.read(id, position, length),
    // The rest of call `of`'s answer, from `offset`.
    async more(of, offset) {
      if (pending?.of !== of) throw new DOMException(`no answer of call ${of} is kept`, "InvalidStateError");
      const piece = pending.bytes.subarray(offset, offset + server.area.byteLength);
      if (offset + piece.byteLength >= pending.bytes.byteLength) pending = null;
      return piece;
    },
    // The bytes the call brought, written at `position` (or at the end, `append`) at the
    // file's next commit.
    write: (id, position, append, length) => files.write(id, position, append, written.subarray(0, length)),
    setsize: (id, size) => files.resize(id, size),
    // Commits a file (`durable`: flushed to the disk, an fsync): its size after (null when it
    // had nothing to commit).
    commit: (id, durable) => files.commit(id, durable),
    // Forgets a file that has nothing to commit (a notice: the interpreter does not wait).
    async forgetFile(id) {
      files.forget(id);
    },
    // Commits a file, with the last bytes the call brought, and closes it: its size after.
    async close(id, position, append, length) {
      if (length) await files.write(id, position, append, written.subarray(0, length));
      return files.close(id);
    },
    // What other writers committed is seen from here on (a lock was taken).
    async revalidate() {
      files.revalidate();
      tree.forgetFolders();
    },
    // The lock `name`, held for the interpreter until it lets go: "granted", or "timeout".
    async lock(name, timeoutMs) {
      const taken = await held.take(name, timeoutMs ?? Infinity);
      if (taken === "granted") await OPS.revalidate();
      return taken;
    },
    unlock: async (name) => held.release(name),
  };

  // Call `seq`'s answer: its value as bytes (JSON, or the bytes themselves, or both).
  function answer(seq, errno, value) {
    /** @type {number} */
    let kind = Kind.NONE;
    let bytes = null;
    if (value instanceof Uint8Array) {
      kind = Kind.BYTES;
      bytes = value;
    } else if (value instanceof WithBytes) {
      kind = Kind.WITH_BYTES;
      const json = encoder.encode(JSON.stringify(value.value));
      bytes = new Uint8Array(4 + json.byteLength + value.bytes.byteLength);
      new DataView(bytes.buffer).setUint32(0, json.byteLength, true);
      bytes.set(json, 4);
      bytes.set(value.bytes, 4 + json.byteLength);
    } else if (value !== undefined) {
      kind = Kind.JSON;
      bytes = encoder.encode(JSON.stringify(value));
    }
    // Only a listing can be longer than the area: the caller pages through it ("more").
    if (bytes && bytes.byteLength > server.area.byteLength) pending = { of: seq, bytes };
    server.answer(seq, errno, kind, bytes);
  }

  // Runs a call, or a notice (call 0), in turn: the caller waits for each answer.
  let queue = Promise.resolve();
  const run = ([seq, op, ...args]) => {
    queue = queue.then(async () => {
      if (seq === 0) {
        // A notice: nobody waits for it.
        await OPS[op](...args).catch((e) => console.warn(`fshandles: ${op} failed:`, e));
        return;
      }
      const payload = BRINGS_BYTES.has(op) ? written : null;
      if (!server.take(seq, payload, payload ? args.at(-1) : 0)) return; // given up: not run
      let errno = 0;
      let value;
      try {
        if (!Object.hasOwn(OPS, op)) throw new DOMException(`no op ${op}`, "TypeError");
        value = await OPS[op](...args);
      } catch (e) {
        errno = errnoOf(e, op);
        if (errno === E.IO || errno === E.INVAL) console.warn(`fshandles: ${op} failed:`, e);
        // A cached folder may be stale (removed and made again outside, in a browser whose
        // handles are not by path): look again next time. Not for a file that is not there,
        // the answer of every stat before a file is made.
        if (!(e?.name === "NotFoundError" && (op === "stat" || op === "open"))) tree.forgetFolders();
      }
      answer(seq, errno, value);
    });
  };

  // Where the browser lets it, the I/O worker waits on the call's state word itself: a call
  // then needs no message (tens of microseconds less each; call.js).
  async function watch() {
    server.watch();
    for (let s = server.now(); ; s = server.now()) {
      const call = server.pending(s);
      if (call) run(call);
      await server.changed(s);
    }
  }

  self.onmessage = ({ data }) => {
    if (data?.sab) {
      server = new Server(data.sab);
      files = new Files(server.area.byteLength);
      // A write's bytes are copied out of the shared area (a shared buffer is not a
      // BufferSource a writable takes) into one buffer, reused: the writable takes its copy
      // before its write resolves.
      written = new Uint8Array(server.area.byteLength);
      if (Server.canWatch) watch();
      self.postMessage({ ready: true });
      return;
    }
    // A doorbell [seq] (the request is in the buffer), a request [seq, op, ...args], a notice.
    const call = data.length === 1 ? server.rung(data[0]) : data;
    if (call) run(call);
  };
}

// An answer of a JSON value and bytes (Kind.WITH_BYTES).
class WithBytes {
  constructor(value, bytes) {
    this.value = value;
    this.bytes = bytes;
  }
}

// A File System Access error (a DOMException's name) as the errno Python gets, for `op`.
function errnoOf(e, op) {
  switch (e?.name) {
    case "NotFoundError":
      return E.NOENT;
    case "TypeMismatchError":
      return op === "open" || op === "create" ? E.ISDIR : E.NOTDIR;
    case "InvalidModificationError":
      return op === "rmdir" ? E.NOTEMPTY : E.EXIST;
    case "NotAllowedError":
    case "SecurityError":
      return E.ACCES;
    case "QuotaExceededError":
      return E.NOSPC;
    case "NoModificationAllowedError":
      return E.BUSY;
    case "TypeError":
      return E.INVAL;
    default:
      return E.IO;
  }
}
