// The I/O worker's open files. What Python writes waits as edits (edits.js) until a commit
// (close, fsync) applies them onto the file as it is then, under the file's lock: in place
// through a sync access handle where the folder is origin-private (a commit costs what it
// writes), else through a `createWritable` stream, which the browser commits whole. What Python
// reads comes from a snapshot of the file, taken at the open and again where it may be stale.
import { Edits, applyInPlace, applyThrough } from "./edits.js";
import { fileLock, holding } from "./locks.js";
import { unlessReplaced } from "./replaced.js";
import { Room } from "./room.js";

// What a file written in place keeps before it commits on its own: the most a stream of writes
// holds in the I/O worker. (Where commits are whole, all of it waits for the commit.)
const IN_PLACE_BATCH = 16 << 20;

// A file this small is read whole with arrayBuffer() (see readInto).
const SMALL_FILE = 64 << 10;

// A sync access handle's mode that lets other handles be (Chromium 121+); a browser that knows
// no modes takes the exclusive one, which the file's lock makes as safe.
/** @type {{mode?: string}} */
let unsafeMode = { mode: "readwrite-unsafe" };

async function syncHandle(handle) {
  try {
    return await handle.createSyncAccessHandle(unsafeMode);
  } catch (e) {
    if (e?.name !== "TypeError" || !unsafeMode.mode) throw e;
    unsafeMode = {};
    return handle.createSyncAccessHandle();
  }
}

/**
 * Applies `edits` onto the file `handle` (of a folder `inPlace` or not) under the file's lock
 * `lock`; the file's size after. In place, unless the browser cannot (another program has a
 * writable of the file open): then whole. Flushed to the disk where `durable` (a writable's
 * commit always is).
 */
export function commitEdits(handle, lock, inPlace, edits, durable = true) {
  return holding(lock, "exclusive", async () => {
    if (inPlace) {
      let h = null;
      try {
        h = await syncHandle(handle);
      } catch (e) {
        if (e?.name !== "NoModificationAllowedError") throw e;
      }
      if (h) {
        try {
          return applyInPlace(h, edits, durable);
        } finally {
          h.close();
        }
      }
    }
    const size = (await unlessReplaced(() => handle.getFile())).size;
    const writable = await handle.createWritable({ keepExistingData: true });
    try {
      return await applyThrough(writable, size, edits);
    } catch (e) {
      await writable.abort().catch(() => {});
      throw e;
    }
  });
}

/** Open files, by the id the interpreter knows them by. */
export class Files {
  /** @param {number} area the most one read answers */
  constructor(area) {
    this.area = area;
    this.open = new Map(); // id -> an open file (see add)
    this.next = 1;
    this.readBuffer = null; // the buffer reads go through, handed back by each answer
    this.room = new Room();
  }

  /**
   * Opens `handle`, the file `path` of the folder stored under `key` (written `inPlace` or
   * not); `{id, size, time}`: its id and what the file is now. An open that empties the file
   * ("w") needs not know what it holds: it is not asked (size 0, time now). Where `ahead` and
   * the file is small, `bytes` too: all it holds, read with its lock shared (see `read`).
   */
  async add(handle, key, path, inPlace, emptied = false, ahead = false) {
    const open = { handle, lock: fileLock(key, path), inPlace, file: null, reader: null, readAt: 0, edits: new Edits() };
    let bytes = null;
    if (ahead) {
      const take = () =>
        unlessReplaced(async () => {
          await this.snapshot(open);
          if (open.file.size <= SMALL_FILE) bytes = new Uint8Array(await open.file.arrayBuffer());
        });
      await (inPlace ? holding(open.lock, "shared", take) : take());
    } else if (!emptied) await this.snapshot(open);
    // Where it is written in place: its size as last seen, where its edits end, and the room
    // taken for the difference (room.js).
    open.known = open.end = open.file?.size ?? 0;
    open.reserved = 0;
    const id = this.next++;
    this.open.set(id, open);
    return { id, size: open.known, time: open.file?.lastModified ?? Date.now(), bytes };
  }

  get(id) {
    const open = this.open.get(id);
    if (!open) throw new DOMException(`no open file ${id}`, "NotFoundError");
    return open;
  }

  // A new snapshot of `open`'s file. (A file written in place is read with its lock shared, so
  // that a read sees a commit whole or not at all: see read.)
  snapshot(open) {
    forgetSnapshot(open);
    return unlessReplaced(async () => (open.file = await open.handle.getFile()));
  }

  /** Forgets every snapshot: the next reads see what other writers committed meanwhile. */
  revalidate() {
    for (const open of this.open.values()) forgetSnapshot(open);
  }

  /** The open files of the file `handle` names. */
  async openOn(handle) {
    const out = [];
    for (const open of this.open.values()) if (await open.handle.isSameEntry(handle)) out.push(open);
    return out;
  }

  /** `opens` (from openOn) now go by `handle`, the file `key`'s `path`: their file was moved. */
  moved(opens, handle, key, path) {
    for (const open of opens) {
      open.handle = handle;
      open.lock = fileLock(key, path);
      forgetSnapshot(open);
    }
  }

  read(id, position, length) {
    const open = this.get(id);
    const run = () => this.readFresh(open, position, length);
    return open.inPlace ? holding(open.lock, "shared", run) : run();
  }

  // A read from the snapshot, taken again where it may be stale: gone (the file was replaced),
  // or ending where the read starts (the file may have grown since).
  async readFresh(open, position, length) {
    if (open.file && position >= open.file.size) forgetSnapshot(open);
    return unlessReplaced(async () => {
      if (!open.file) open.file = await open.handle.getFile();
      try {
        return await this.readInto(open, position, length);
      } catch (e) {
        forgetSnapshot(open);
        throw e;
      }
    });
  }

  // Reads through a BYOB reader of the file's stream, kept while reads follow one another,
  // into one buffer reused by every read: a file read through leaves no garbage behind
  // (`arrayBuffer()` would leave a buffer a read, which a worker collects late).
  async readInto(open, position, length) {
    // A small file read whole in one go: its arrayBuffer() is half the cost of a stream's
    // reader here (0.5 against 1 ms for 1 KiB), and the buffer it leaves behind is small.
    if (position === 0 && open.file.size <= Math.min(length, SMALL_FILE)) {
      return new Uint8Array(await open.file.arrayBuffer());
    }
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
    let buffer = this.readBuffer?.byteLength >= length ? this.readBuffer : new ArrayBuffer(Math.max(length, this.area));
    this.readBuffer = null;
    let filled = 0;
    while (filled < length) {
      const { value, done } = await open.reader.read(new Uint8Array(buffer, filled, length - filled)).catch(changed);
      if (value) buffer = value.buffer;
      if (done) {
        open.reader = null;
        break;
      }
      filled += value.byteLength;
    }
    open.readAt = position + filled;
    // The reader hands the buffer back in each answer; without one it is gone.
    this.readBuffer = buffer.byteLength ? buffer : null;
    return new Uint8Array(buffer, 0, filled);
  }

  /**
   * `data` written at `position` of file `id`, or at its end when `append`: kept until the
   * commit (a file written in place commits on its own past IN_PLACE_BATCH bytes).
   */
  async write(id, position, append, data) {
    const open = this.get(id);
    if (open.inPlace) {
      const end = append ? open.end + data.byteLength : Math.max(open.end, position + data.byteLength);
      await this.reserve(open, end);
      open.end = end;
    }
    open.edits.write(position, append, data);
    if (open.inPlace && open.edits.bytes >= IN_PLACE_BATCH) await this.commit(id);
  }

  /** The size of file `id` set to `size` at its commit. */
  async resize(id, size) {
    const open = this.get(id);
    if (open.inPlace) {
      await this.reserve(open, size);
      open.end = size;
    }
    open.edits.resize(size);
  }

  // Takes the room `open`'s file needs to end at `end`: a QuotaExceededError now, rather than
  // at the commit, where the origin has not that much. Then what the file was written since
  // its last commit is dropped, as a writable that failed drops it: the file stays as it was.
  async reserve(open, end) {
    const need = Math.max(0, end - open.known);
    if (need <= open.reserved) return;
    try {
      await this.room.take(need - open.reserved);
    } catch (e) {
      open.edits.clear();
      this.room.give(open.reserved);
      open.reserved = 0;
      open.end = open.known;
      throw e;
    }
    open.reserved = need;
  }

  /**
   * Applies what file `id` was asked since its last commit onto the file; its size after
   * (null when there was nothing to commit). `durable`: flushed to the disk too (an fsync),
   * with what commits before it left unflushed. A commit that fails drops the edits: the file is
   * as it was (whole where it is written through a writable; in place, past the bytes a
   * failed write may have changed).
   */
  async commit(id, durable = false) {
    const open = this.get(id);
    if (open.edits.empty) {
      if (durable && open.unflushed) await this.flush(open);
      return null;
    }
    forgetSnapshot(open);
    // The room goes back just before the file takes it.
    this.room.give(open.reserved);
    open.reserved = 0;
    try {
      // (In place, a commit that appended nothing does not ask the size: null.)
      const after = await commitEdits(open.handle, open.lock, open.inPlace, open.edits, durable);
      open.known = open.end = after ?? open.end;
      open.unflushed = open.inPlace && !durable;
      return after;
    } catch (e) {
      open.known = open.end = (await open.handle.getFile().catch(() => ({ size: open.known }))).size;
      throw e;
    } finally {
      open.edits.clear();
    }
  }

  // Flushes to the disk what commits in place left unflushed.
  async flush(open) {
    await holding(open.lock, "exclusive", async () => {
      const h = await syncHandle(open.handle);
      try {
        h.flush();
      } finally {
        h.close();
      }
    });
    open.unflushed = false;
  }

  /** Forgets file `id`, which has nothing to commit. */
  forget(id) {
    const open = this.get(id);
    forgetSnapshot(open);
    this.room.give(open.reserved);
    this.open.delete(id);
  }

  /** Commits file `id` and forgets it; its size after (null: nothing to commit). */
  async close(id) {
    try {
      return await this.commit(id);
    } finally {
      this.forget(id);
    }
  }
}

// What reading a snapshot of a file that changed since fails with: Chromium's stream of it
// says "TypeError: network error", which is no caller's mistake.
function changed(e) {
  throw e?.name === "TypeError" ? new DOMException(`the file changed while it was read (${e.message})`, "NotReadableError") : e;
}

// Drops `open`'s snapshot of its file, and the reader of it.
function forgetSnapshot(open) {
  open.reader?.cancel().catch(() => {});
  open.reader = null;
  open.file = null;
}
