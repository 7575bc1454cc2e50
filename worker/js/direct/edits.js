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

  /** Whether an edit writes at the end: then a commit must know the file's size. */
  get appends() {
    return this.list.some((e) => e.kind === APPEND);
  }

  /**
   * The edits applied onto a file of `size` bytes (Infinity: not known, where nothing is
   * appended), as what to write: `zeros` ([from, to) ranges whose old bytes a shorter size
   * took and no write covers), then `writes` ({at, bytes}, in order: a later one wins where they
   * overlap), then the size `end` where `resized` (a size was set). `end` is Infinity when the
   * size is not known and nothing set one.
   */
  plan(size) {
    let end = size;
    let cut = size;
    let resized = false;
    const writes = [];
    for (const e of this.list) {
      if (e.kind === SIZE) {
        end = e.size;
        cut = Math.min(cut, e.size);
        resized = true;
        for (const w of writes) if (w.at + w.bytes.byteLength > end) w.bytes = w.bytes.subarray(0, Math.max(0, end - w.at));
        continue;
      }
      const at = e.kind === APPEND ? end : e.at;
      writes.push({ at, bytes: this.arena.subarray(e.from, e.from + e.length) });
      end = Math.max(end, at + e.length);
    }
    const kept = writes.filter((w) => w.bytes.byteLength);
    return { end, resized, writes: kept, zeros: gaps(cut, Math.min(size, end), kept) };
  }
}

// The parts of [from, to) that no write covers.
function gaps(from, to, writes) {
  const out = [];
  if (!(from < to)) return out;
  const covered = writes.map((w) => [w.at, w.at + w.bytes.byteLength]).sort((a, b) => a[0] - b[0]);
  let at = from;
  for (const [start, stop] of covered) {
    if (stop <= at) continue;
    if (start >= to) break;
    if (start > at) out.push([at, start]);
    at = Math.max(at, stop);
    if (at >= to) break;
  }
  if (at < to) out.push([at, to]);
  return out;
}

/**
 * Applies `edits` onto the file open as `handle` (a FileSystemSyncAccessHandle), in place: what
 * it costs is what was written, in as few calls as it can be (a call costs a quarter of a
 * millisecond here): the file's size is asked only where bytes are appended. The quota was
 * asked when the bytes were written (room.js); a write the file takes short of is a
 * QuotaExceededError all the same. Flushed to the disk where `durable` (an fsync; a close is
 * not one, as on a disk: 0.5 ms a commit here). Answers the file's size after, or null where
 * it was not asked and nothing set it.
 */
export function applyInPlace(handle, edits, durable) {
  const { end, resized, zeros, writes } = edits.plan(edits.appends ? handle.getSize() : Infinity);
  const put = (bytes, at) => {
    if (handle.write(bytes, { at }) !== bytes.byteLength) {
      throw new DOMException("the file took fewer bytes than were written", "QuotaExceededError");
    }
  };
  let written = 0;
  for (const [from, to] of zeros) {
    for (let at = from; at < to; at += ZEROS.byteLength) put(ZEROS.subarray(0, Math.min(ZEROS.byteLength, to - at)), at);
    written = Math.max(written, to);
  }
  for (const w of writes) {
    put(w.bytes, w.at);
    written = Math.max(written, w.at + w.bytes.byteLength);
  }
  if (resized) {
    handle.truncate(end);
    // Chromium grows a file only as far as the quota lets it, and says nothing.
    if (end > written && handle.getSize() !== end) {
      throw new DOMException(`no room to grow the file to ${end} bytes`, "QuotaExceededError");
    }
  }
  if (durable) handle.flush();
  return Number.isFinite(end) ? end : null;
}

/**
 * Applies `edits` onto a file of `size` bytes through `writable` (a FileSystemWritableFileStream
 * made with keepExistingData): the browser commits it whole at `close`, or not at all. Answers
 * the file's size after.
 */
export async function applyThrough(writable, size, edits) {
  const { end, zeros, writes } = edits.plan(size);
  if (end !== size) await writable.truncate(end);
  for (const [from, to] of zeros) {
    for (let at = from; at < to; at += ZEROS.byteLength) {
      await writable.write({ type: "write", position: at, data: ZEROS.subarray(0, Math.min(ZEROS.byteLength, to - at)) });
    }
  }
  for (const w of writes) await writable.write({ type: "write", position: w.at, data: w.bytes });
  await writable.close();
  return end;
}
