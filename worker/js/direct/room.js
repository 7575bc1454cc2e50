// Room for what files written in place will grow by at their commits, taken from the origin's
// quota when the bytes are written, not when they are committed: so that a write the quota
// refuses fails at the write, where every program looks (MicroPython drops what a close
// raises). The room is a file of the I/O worker's own in the origin-private file system,
// `.fshandles-room/<name>`, as long as the growth its open files wait to commit; a commit lets
// go of its part just before it grows the file itself.
//
// A room whose I/O worker is gone (its tab closed) is removed by the next I/O worker that
// starts: each holds a Web Lock named after its room while it lives.

const FOLDER = ".fshandles-room";
const LOCK = "fshandles-room:";

// The room grows and shrinks by steps of this much, so that small files do not resize it at
// each write (a grow and a shrink cost 1 ms here): an idle room holds at most two steps.
const STEP = 1 << 20;

export class Room {
  constructor() {
    this.handle = null; // the room's sync access handle, made at the first need
    this.size = 0; // what the room file holds
    this.taken = 0; // what open files took of it
    this.opening = null;
  }

  /** Takes `bytes` more room: a QuotaExceededError when the origin has not that much. */
  async take(bytes) {
    if (bytes <= 0) return;
    const need = this.taken + bytes;
    if (need > this.size) {
      const h = await this.open();
      // A step more where the quota has it; else just what is needed.
      if (!grow(h, need + STEP) && !grow(h, need)) {
        h.truncate(this.size);
        throw new DOMException(`no room for ${bytes} more bytes`, "QuotaExceededError");
      }
      this.size = h.getSize();
    }
    this.taken = need;
  }

  /** Gives `bytes` of the room back. */
  give(bytes) {
    if (bytes <= 0) return;
    this.taken = Math.max(0, this.taken - bytes);
    if (this.handle && this.size - this.taken > 2 * STEP) {
      this.size = this.taken + STEP;
      this.handle.truncate(this.size);
    }
  }

  open() {
    this.opening ??= (async () => {
      const root = await navigator.storage.getDirectory();
      const folder = await root.getDirectoryHandle(FOLDER, { create: true });
      await sweep(folder);
      const name = crypto.randomUUID();
      // Held while this worker lives: the room is no other worker's to remove.
      await new Promise((held) => navigator.locks.request(LOCK + name, () => (held(), new Promise(() => {}))));
      /** @type {any} a worker's file handle (TypeScript's DOM has no sync access handles) */
      const file = await folder.getFileHandle(name, { create: true });
      this.handle = await file.createSyncAccessHandle();
      return this.handle;
    })();
    return this.opening;
  }
}

// Grows the room to `size`: whether it got there. Chromium grows a file only as far as the
// quota lets it, and says nothing.
function grow(handle, size) {
  handle.truncate(size);
  return handle.getSize() === size;
}

// Removes the rooms of I/O workers that are gone: the ones whose lock nobody holds.
async function sweep(folder) {
  for await (const name of folder.keys()) {
    await navigator.locks.request(LOCK + name, { ifAvailable: true }, async (lock) => {
      if (lock) await folder.removeEntry(name).catch(() => {});
    });
  }
}
