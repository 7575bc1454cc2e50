// What a file open on a direct mount was asked to do since its last commit, kept in the I/O
// worker until the commit applies it onto the file as it is then: writes at a position, appends
// (at the file's end at commit time, as POSIX appends land at the end at write time) and size
// changes. Their bytes are kept in one arena a file, reused from commit to commit.

const WRITE = 0;
const APPEND = 1;
const SIZE = 2;

// Zeros for a region a truncation cleared and a later write or size change brought back.
const ZEROS = new Uint8Array(1 << 16);

export class Edits {
  constructor() {
    this.list = []; // {kind, at, from, length} (bytes in the arena) or {kind: SIZE, size}
    this.arena = null;
    this.used = 0;
  }

  /** Bytes kept, waiting for a commit. */
  get bytes() {
    return this.used;
  }

  get empty() {
    return this.list.length === 0;
  }

  /** `data` written at `at`, or at the end when `append`. */
  write(at, append, data) {
    const from = this.keep(data);
    const last = this.list.at(-1);
    // A write that continues the one before is one edit: a stream of writes is a few.
    if (last && last.kind === (append ? APPEND : WRITE) && last.from + last.length === from && (append || last.at + last.length === at)) {
      last.length += data.byteLength;
      return;
    }
    this.list.push({ kind: append ? APPEND : WRITE, at, from, length: data.byteLength });
  }

  /** The file's size set to `size` (ftruncate: shorter, or longer with zeros). */
  resize(size) {
    this.list.push({ kind: SIZE, size });
  }

  /** Forgets every edit; the arena stays for the next ones. */
  clear() {
    this.list = [];
    this.used = 0;
  }

  keep(data) {
    const need = this.used + data.byteLength;
    if (!this.arena || this.arena.byteLength < need) {
      const grown = new Uint8Array(Math.max(need, 2 * (this.arena?.byteLength ?? 0), 1 << 16));
      if (this.arena) grown.set(this.arena.subarray(0, this.used));
      this.arena = grown;
    }
    const from = this.used;
    this.arena.set(data, from);
    this.used = need;
    return from;
  }

  /**
   * The edits applied onto a file of `size` bytes, as what to write: `end` (the size after),
   * `cut` (from there to `min(size, end)` the file's old bytes are gone, zeros unless written
   * over) and `writes` ({at, bytes}, in order: a later one wins where they overlap).
   */
  plan(size) {
    let end = size;
    let cut = size;
    const writes = [];
    for (const e of this.list) {
      if (e.kind === SIZE) {
        end = e.size;
        cut = Math.min(cut, e.size);
        for (const w of writes) if (w.at + w.bytes.byteLength > end) w.bytes = w.bytes.subarray(0, Math.max(0, end - w.at));
        continue;
      }
      const at = e.kind === APPEND ? end : e.at;
      writes.push({ at, bytes: this.arena.subarray(e.from, e.from + e.length) });
      end = Math.max(end, at + e.length);
    }
    return { end, cut: Math.min(cut, end), writes: writes.filter((w) => w.bytes.byteLength) };
  }
}

/**
 * Applies `edits` onto the file open as `handle` (a FileSystemSyncAccessHandle), in place: what
 * it costs is what was written. The file grows first, so that a quota that refuses the room
 * refuses it before a byte has changed; then the bytes go where they belong; then it shrinks
 * where it must. Flushed to the disk where `durable` (an fsync; a close is not one, as on a
 * disk: 0.5 ms a commit here). Answers the file's size after.
 */
export function applyInPlace(handle, edits, durable) {
  const size = handle.getSize();
  const { end, cut, writes } = edits.plan(size);
  if (end > size) {
    handle.truncate(end);
    // Chromium grows the file only as far as the quota lets it, and says nothing.
    if (handle.getSize() !== end) {
      handle.truncate(size);
      throw new DOMException(`no room for ${end - size} more bytes`, "QuotaExceededError");
    }
  }
  for (let at = cut; at < Math.min(size, end); at += ZEROS.byteLength) {
    handle.write(ZEROS.subarray(0, Math.min(ZEROS.byteLength, Math.min(size, end) - at)), { at });
  }
  for (const w of writes) {
    if (handle.write(w.bytes, { at: w.at }) !== w.bytes.byteLength) {
      throw new DOMException("the file took fewer bytes than were written", "QuotaExceededError");
    }
  }
  if (end < size) handle.truncate(end);
  if (durable) handle.flush();
  return end;
}

/**
 * Applies `edits` onto a file of `size` bytes through `writable` (a FileSystemWritableFileStream
 * made with keepExistingData): the browser commits it whole at `close`, or not at all. Answers
 * the file's size after.
 */
export async function applyThrough(writable, size, edits) {
  const { end, cut, writes } = edits.plan(size);
  if (end !== size) await writable.truncate(end);
  for (let at = cut; at < Math.min(size, end); at += ZEROS.byteLength) {
    const data = ZEROS.subarray(0, Math.min(ZEROS.byteLength, Math.min(size, end) - at));
    await writable.write({ type: "write", position: at, data });
  }
  for (const w of writes) await writable.write({ type: "write", position: w.at, data: w.bytes });
  await writable.close();
  return end;
}
