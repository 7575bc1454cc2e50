// The I/O worker's open files: what Python reads comes through one reader of a snapshot of the
// file; what it writes goes into a `createWritable` stream, which the browser commits whole at
// its close (a write cut off leaves the file as it was).

/** Open files, by the id the interpreter knows them by. */
export class Files {
  /** @param {number} area the most one read answers */
  constructor(area) {
    this.area = area;
    this.open = new Map(); // id -> {handle, file (a snapshot, or null), writable, size, reader}
    this.next = 1;
    this.readBuffer = null; // the buffer reads go through, handed back by each answer
  }

  /** Opens `handle`; its id. */
  add(handle) {
    const id = this.next++;
    this.open.set(id, { handle, file: null, writable: null, size: null, reader: null, readAt: 0 });
    return id;
  }

  get(id) {
    const open = this.open.get(id);
    if (!open) throw new DOMException(`no open file ${id}`, "NotFoundError");
    return open;
  }

  /** The open files of the file `handle` names. */
  async openOn(handle) {
    const out = [];
    for (const open of this.open.values()) if (await open.handle.isSameEntry(handle)) out.push(open);
    return out;
  }

  /** `opens` (from openOn) now go by `handle`: their file was moved. */
  moved(opens, handle) {
    for (const open of opens) {
      open.handle = handle;
      forgetSnapshot(open);
    }
  }

  async read(id, position, length) {
    const open = this.get(id);
    for (let tries = 0; ; tries++) {
      open.file ??= await open.handle.getFile();
      try {
        return await this.readInto(open, position, length);
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
  async readInto(open, position, length) {
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
    this.readBuffer = buffer.byteLength ? buffer : null;
    return new Uint8Array(buffer, 0, filled);
  }

  /** Writes `data` at `position` of file `id` (`fresh`: it starts empty); its size after. */
  async write(id, position, fresh, data) {
    const open = this.get(id);
    await unlessFailed(open, async () => (await writable(open, fresh)).write({ type: "write", position, data }));
    open.size = Math.max(open.size, position + data.byteLength);
    return open.size;
  }

  async setSize(id, fresh, size) {
    const open = this.get(id);
    await unlessFailed(open, async () => (await writable(open, fresh && size === 0)).truncate(size));
    open.size = size;
  }

  /** Commits what file `id` was written since its last commit. */
  async commit(id) {
    const open = this.get(id);
    const w = open.writable;
    open.writable = null;
    open.size = null;
    forgetSnapshot(open);
    if (w) await w.close();
  }

  async close(id) {
    try {
      await this.commit(id);
    } finally {
      this.open.delete(id);
    }
  }
}

async function writable(open, fresh) {
  open.writable ??= await open.handle.createWritable({ keepExistingData: !fresh });
  if (open.size === null) open.size = fresh ? 0 : (await open.handle.getFile()).size;
  return open.writable;
}

// Runs a write to `open`'s writable. A write that fails (the quota, say) leaves the writable
// broken: it is dropped, with what it held since the last commit, and the file stays as it was
// then.
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
