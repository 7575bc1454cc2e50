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

export class Room {
  constructor() {
    this.handle = null; // the room's sync access handle, made at the first need
    this.size = 0;
    this.opening = null;
  }

  /** Takes `bytes` more room: a QuotaExceededError when the origin has not that much. */
  async take(bytes) {
    if (bytes <= 0) return;
    const h = await this.open();
    h.truncate(this.size + bytes);
    // Chromium grows a file only as far as the quota lets it, and says nothing.
    if (h.getSize() !== this.size + bytes) {
      h.truncate(this.size);
      throw new DOMException(`no room for ${bytes} more bytes`, "QuotaExceededError");
    }
    this.size += bytes;
  }

  /** Gives `bytes` of the room back. */
  give(bytes) {
    if (bytes <= 0 || !this.handle) return;
    this.size = Math.max(0, this.size - bytes);
    this.handle.truncate(this.size);
  }

  open() {
    this.opening ??= (async () => {
      const root = await navigator.storage.getDirectory();
      const folder = await root.getDirectoryHandle(FOLDER, { create: true });
      await sweep(folder);
      const name = crypto.randomUUID();
      // Held while this worker lives: the room is no other worker's to remove.
      await new Promise((held) => navigator.locks.request(LOCK + name, () => (held(), new Promise(() => {}))));
      this.handle = await (await folder.getFileHandle(name, { create: true })).createSyncAccessHandle();
      return this.handle;
    })();
    return this.opening;
  }
}

// Removes the rooms of I/O workers that are gone: the ones whose lock nobody holds.
async function sweep(folder) {
  for await (const name of folder.keys()) {
    await navigator.locks.request(LOCK + name, { ifAvailable: true }, async (lock) => {
      if (lock) await folder.removeEntry(name).catch(() => {});
    });
  }
}
