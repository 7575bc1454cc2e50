// The I/O worker's view of the mounted folders: each mount's root, the permission it needs, the
// key of its record (which names its files' locks) and whether it is origin-private;
// the folder handles met on the way (a cache, cleared on any doubt); and the operations on
// paths ("a/b.txt", "" for the root) that are not about an open file.
import { fileLock, holding } from "./locks.js";
import { unlessReplaced } from "./replaced.js";

const split = (path) => (path ? path.split("/") : []);

// How long a "granted" serves the calls after it: one burst of a program's calls, far less than
// any person takes to revoke a permission and come back.
const ALLOWED_MS = 20;

/** The folders mounted in this I/O worker, by mount id. */
export class Tree {
  constructor() {
    this.roots = new Map(); // mount id -> {root, mode, key, private}
    this.dirs = new Map(); // "id:/a/b" -> that folder's handle
  }

  /** Mounts `root` as `id`: `mode` is the permission it needs, `key` its record's key. */
  async add(id, root, mode, key) {
    const opfs = await navigator.storage?.getDirectory?.().catch(() => null);
    this.roots.set(id, { root, mode, key, private: !!opfs && (await opfs.resolve(root)) !== null });
  }

  /**
   * Whether the files of mount `id` are written in place: where it is origin-private (sync
   * access handles are for those only) and the browser has them (in its workers).
   */
  inPlace(id) {
    return this.mountOf(id).private && "createSyncAccessHandle" in FileSystemFileHandle.prototype;
  }

  remove(id) {
    this.roots.delete(id);
    this.forgetFolders();
  }

  /** Forgets every folder handle met: one may be stale (removed and made again outside). */
  forgetFolders() {
    this.dirs.clear();
  }

  /** The mount `id`: {root, mode, key, private}. */
  mountOf(id) {
    const m = this.roots.get(id);
    if (!m) throw new DOMException("not mounted", "NotFoundError");
    return m;
  }

  async dirAt(id, parts) {
    let dir = this.mountOf(id).root;
    let key = `${id}:`;
    for (const part of parts) {
      key += `/${part}`;
      const known = this.dirs.get(key);
      dir = known ?? (await dir.getDirectoryHandle(part));
      if (!known) this.dirs.set(key, dir);
    }
    return dir;
  }

  /** The folder at `path`. */
  folder(id, path) {
    return this.dirAt(id, split(path));
  }

  /** The folder holding `path`, and the entry's name in it. */
  async parentOf(id, path) {
    const parts = split(path);
    return [await this.dirAt(id, parts.slice(0, -1)), parts.at(-1)];
  }

  /** The file at `path`, which must be there. */
  async fileAt(id, path) {
    const [dir, name] = await this.parentOf(id, path);
    return unlessReplaced(() => dir.getFileHandle(name));
  }

  /**
   * The file at `path`, made where `create` and missing. With `exclusive` too, one that was
   * there already is an InvalidModificationError (EEXIST): the look and the making hold the
   * file's lock, so of two writers that make it at once, one does.
   */
  async openFile(id, path, create, exclusive) {
    if (!create) return this.fileAt(id, path);
    const [dir, name] = await this.parentOf(id, path);
    if (!exclusive) return dir.getFileHandle(name, { create: true });
    return holding(fileLock(this.mountOf(id).key, path), "exclusive", async () => {
      const there = await dir.getFileHandle(name).then(
        () => true,
        (e) => (e?.name === "NotFoundError" ? false : Promise.reject(e)),
      );
      if (there) throw new DOMException(`${path} exists`, "InvalidModificationError");
      return dir.getFileHandle(name, { create: true });
    });
  }

  /**
   * {dir, size, time} of `path`. `once`: an entry missing is not looked for again (see
   * replaced.js), for a look whose "missing" makes the file (an open with O_CREAT opens what
   * it then finds).
   */
  async stat(id, path, once = false) {
    if (!path) {
      await this.dirAt(id, []);
      return { dir: true };
    }
    const [dir, name] = await this.parentOf(id, path);
    const look = async () => {
      const entry = await entryAt(dir, name);
      if (entry.kind === "directory") return { dir: true };
      const file = await entry.getFile();
      return { dir: false, size: file.size, time: file.lastModified };
    };
    return once ? look() : unlessReplaced(look);
  }

  /**
   * Renames `from` to `to`. A file open in `files` keeps being written under its new name, as
   * on a disk: its handle still names the old one, the moved handle the new one.
   */
  async rename(id, from, to, files) {
    const [fromDir, fromName] = await this.parentOf(id, from);
    const [toDir, toName] = await this.parentOf(id, to);
    const handle = await entryAt(fromDir, fromName);
    // POSIX replaces the target; move() may refuse to. The caller checked that a folder
    // replaces only an empty folder and a file only a file.
    await toDir.removeEntry(toName).catch((e) => {
      if (e?.name !== "NotFoundError") throw e;
    });
    if (typeof handle.move === "function") {
      const moving = handle.kind === "file" ? await files.openOn(handle) : [];
      try {
        await handle.move(toDir, toName);
        files.moved(moving, handle, this.mountOf(id).key, to);
        return;
      } catch (e) {
        // A folder of the device may not move in this browser: copied and removed below.
        if (handle.kind === "file" || !["NotSupportedError", "InvalidModificationError", "TypeError"].includes(e?.name)) throw e;
      }
    }
    await copyInto(handle, toDir, toName);
    await fromDir.removeEntry(fromName, { recursive: true });
  }

  /**
   * Fails with NotAllowedError (EACCES) once the folder's permission is gone: the user took it
   * back in the browser's settings, say. The browser's own calls then fail the same way; asking
   * first gives one answer in every browser at the calls where Python meets the folder anew (an
   * open, a listing, a change), for 0.1 ms each here (a getFileHandle: 0.2–0.5 ms). Within a
   * burst of calls (ALLOWED_MS of the last answer) it is not asked again.
   */
  async allowed(id) {
    const m = this.mountOf(id);
    if (performance.now() - (m.allowedAt ?? -Infinity) < ALLOWED_MS) return;
    const state = await m.root.queryPermission?.({ mode: m.mode });
    if (state !== undefined && state !== "granted") {
      m.allowedAt = undefined;
      throw new DOMException(`the permission to ${m.mode === "read" ? "read" : "change"} "${m.root.name}" is gone`, "NotAllowedError");
    }
    m.allowedAt = performance.now();
  }
}

/** The file or folder `name` in `dir`. */
async function entryAt(dir, name) {
  try {
    return await dir.getFileHandle(name);
  } catch (e) {
    if (e?.name !== "TypeMismatchError") throw e;
    return dir.getDirectoryHandle(name);
  }
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
