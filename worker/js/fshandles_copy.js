// A folder of the device mounted in a Pyodide or MicroPython worker as a copy in the
// interpreter's memory (an Emscripten MEMFS), kept in step with the folder both ways by
// `sync`: a three-way comparison of each side against what both held after the last sync.
//
// - Changed on one side only: the change goes to the other side (new, changed and removed
//   files and folders alike).
// - Changed on both sides: neither version is lost. The folder's version keeps the name; the
//   Python side's is kept beside it as "name (conflict N).ext", on both sides, and reported.
//   A file removed on one side and changed on the other comes back, with the change.
// - Removed from the folder only what Python removed: a folder is removed only once empty.
// - A read-only mount never writes to the folder; Python's file functions get EACCES there.
//
// A mount engine (engine_types.d.ts), as fshandles_direct.js is.
import { outcomeOf, NO_CHANGES } from "./engine.js";
import { S } from "./emscripten.js";
import { scan } from "./watch.js";

// The other modules, beside this one, for a page whose `js_modules` name only this one.
export const load = (kind) =>
  kind === "watch"
    ? import(/* webpackIgnore: true */ /* @vite-ignore */ "./fshandles_watch.js")
    : kind === "file"
      ? import(/* webpackIgnore: true */ /* @vite-ignore */ "./fshandles_file.js")
      : import(/* webpackIgnore: true */ /* @vite-ignore */ "./fshandles_direct.js");

const join = (a, b) => (a ? `${a}/${b}` : b);
const parentOf = (rel) => rel.slice(0, Math.max(0, rel.lastIndexOf("/")));
const nameOf = (rel) => rel.slice(rel.lastIndexOf("/") + 1);

// What one side holds at `rel`: a folder, or a file of a size and a modification time.
const same = (a, b) =>
  a === b || (a !== undefined && b !== undefined && a.dir === b.dir && (a.dir || (a.size === b.size && a.time === b.time)));

class CopyMount {
  constructor(FS, path, root, readOnly) {
    this.FS = FS;
    this.path = path;
    this.root = root;
    this.readOnly = readOnly;
    // rel -> {local, remote}: what both sides held after the last sync.
    this.base = new Map();
    /** @type {Promise<unknown>} */
    this.busy = Promise.resolve();
  }

  // The local side: rel -> {dir, size, time}.
  scanLocal() {
    const { FS } = this;
    const out = new Map();
    const walk = (rel) => {
      for (const name of FS.readdir(this.local(rel))) {
        if (name === "." || name === "..") continue;
        const child = join(rel, name);
        const st = FS.stat(this.local(child));
        if (FS.isDir(st.mode)) {
          out.set(child, { dir: true });
          walk(child);
        } else if (FS.isFile(st.mode)) {
          out.set(child, { dir: false, size: st.size, time: +st.mtime });
        }
      }
    };
    walk("");
    return out;
  }

  // The folder: rel -> {dir, size, time, handle}.
  scanRemote() {
    return scan(this.root);
  }

  // The copy's path of `rel`.
  local(rel) {
    return rel ? `${this.path}/${rel}` : this.path;
  }

  // The folder's directory at `rel`, made where missing.
  async remoteDir(rel, remote) {
    if (!rel) return this.root;
    const known = remote.get(rel);
    if (known?.dir) return known.handle;
    const parent = await this.remoteDir(parentOf(rel), remote);
    const handle = await parent.getDirectoryHandle(nameOf(rel), { create: true });
    remote.set(rel, { dir: true, handle });
    return handle;
  }

  mkdirLocal(rel, local) {
    if (!rel || local.get(rel)?.dir) return;
    this.mkdirLocal(parentOf(rel), local);
    this.FS.mkdir(this.local(rel), this.readOnly ? S.DIR_RO : S.DIR_RW);
    local.set(rel, { dir: true });
  }

  // The folder's file at `rel` into the copy.
  async pull(rel, remote, local, report) {
    const r = remote.get(rel);
    if (r.dir) return this.mkdirLocal(rel, local);
    this.mkdirLocal(parentOf(rel), local);
    const file = await r.handle.getFile();
    const { FS } = this;
    if (local.get(rel)?.dir) FS.rmdir(this.local(rel));
    FS.writeFile(this.local(rel), new Uint8Array(await file.arrayBuffer()));
    // The copy keeps the folder's time, as `cp -p` does; a write by Python changes it.
    FS.utime(this.local(rel), file.lastModified, file.lastModified);
    if (this.readOnly) FS.chmod(this.local(rel), S.FILE_RO);
    remote.set(rel, { dir: false, size: file.size, time: file.lastModified, handle: r.handle });
    local.set(rel, { dir: false, size: file.size, time: file.lastModified });
    report.read.push(rel);
  }

  // The copy's file at `rel` into the folder. createWritable replaces the file whole when
  // the stream closes: a write cut off leaves the file as it was.
  async push(rel, remote, local, report) {
    if (local.get(rel).dir) return void (await this.remoteDir(rel, remote));
    const parent = await this.remoteDir(parentOf(rel), remote);
    const handle = await parent.getFileHandle(nameOf(rel), { create: true });
    const stream = await handle.createWritable();
    await stream.write(this.FS.readFile(this.local(rel)));
    await stream.close();
    const file = await handle.getFile();
    remote.set(rel, { dir: false, size: file.size, time: file.lastModified, handle });
    report.written.push(rel);
  }

  // Removes `rel` from the folder; a folder only when it is empty (what it still holds was
  // not removed by Python, or it would be gone by now: children go first).
  async removeRemote(rel, remote, report) {
    const parent = await this.remoteDir(parentOf(rel), remote);
    try {
      await parent.removeEntry(nameOf(rel));
    } catch (e) {
      if (e?.name === "NotFoundError") return void remote.delete(rel);
      if (e?.name === "InvalidModificationError") return; // a folder something was put in
      throw e;
    }
    remote.delete(rel);
    report.removed.push(rel);
  }

  removeLocal(rel, local) {
    const { FS } = this;
    try {
      if (local.get(rel).dir) FS.rmdir(this.local(rel));
      else FS.unlink(this.local(rel));
      local.delete(rel);
    } catch (e) {
      // A folder Python put something in keeps it.
      if (!(e?.name === "ErrnoError" && local.get(rel).dir)) throw e;
    }
  }

  // A free name beside `rel` for Python's side of a conflict: "name (conflict N).ext".
  conflictName(rel, local, remote) {
    const name = nameOf(rel);
    const dot = name.lastIndexOf(".");
    const [stem, ext] = dot > 0 ? [name.slice(0, dot), name.slice(dot)] : [name, ""];
    for (let n = 1; ; n++) {
      const candidate = join(parentOf(rel), `${stem} (conflict ${n})${ext}`);
      if (!local.has(candidate) && !remote.has(candidate) && !this.base.has(candidate)) return candidate;
    }
  }

  async equalFiles(rel, r) {
    const mine = this.FS.readFile(this.local(rel));
    const theirs = new Uint8Array(await (await r.handle.getFile()).arrayBuffer());
    return mine.length === theirs.length && mine.every((b, i) => b === theirs[i]);
  }

  // Whether Python changed the copy since the last sync (in memory: no call to the folder).
  changedHere() {
    if (this.readOnly) return false;
    const local = this.scanLocal();
    if (local.size !== this.base.size) return true;
    for (const [rel, l] of local) if (!same(l, this.base.get(rel)?.local)) return true;
    return false;
  }

  sync() {
    // One at a time: a second sync waits for the first.
    const run = this.busy.then(() => this.reconcile());
    this.busy = run.catch(() => {});
    return run;
  }

  async reconcile() {
    const { FS } = this;
    const report = NO_CHANGES();
    const local = this.scanLocal();
    const remote = await this.scanRemote();
    const paths = [...new Set([...local.keys(), ...remote.keys(), ...this.base.keys()])].sort();
    const ignore = FS.ignorePermissions;
    FS.ignorePermissions = true; // a read-only copy is read-only to Python, not to its sync
    try {
      const removeHere = [];
      const removeThere = [];
      // Folders whose Python side moved aside in a conflict: what the folder holds in them
      // comes in, the rest went aside with them.
      const movedAside = [];
      for (const rel of paths) {
        const b = this.base.get(rel);
        const l = local.get(rel);
        const r = remote.get(rel);
        if (movedAside.some((dir) => rel.startsWith(`${dir}/`))) {
          if (r) await this.pull(rel, remote, local, report);
          continue;
        }
        const here = !same(l, b?.local) && !this.readOnly;
        const there = !same(r, b?.remote);
        if (!here && !there) continue;
        if (here && !there) {
          if (l) await this.push(rel, remote, local, report);
          else if (r) removeThere.push(rel);
          continue;
        }
        if (there && !here) {
          if (r) await this.pull(rel, remote, local, report);
          else if (l) removeHere.push(rel);
          continue;
        }
        // Changed on both sides.
        if (!l && !r) continue; // removed on both
        if (l && r && l.dir && r.dir) continue; // a folder made on both
        if (!l) {
          await this.pull(rel, remote, local, report); // removed here, changed there: kept
        } else if (!r) {
          await this.push(rel, remote, local, report); // changed here, removed there: kept
        } else if (!l.dir && !r.dir && l.size === r.size && (await this.equalFiles(rel, r))) {
          // The same bytes on both sides: nothing to keep apart.
        } else {
          // Python's version moves aside, on both sides; the folder's takes the name.
          const aside = this.conflictName(rel, local, remote);
          FS.rename(this.local(rel), this.local(aside));
          local.set(aside, l);
          local.delete(rel);
          if (l.dir) {
            for (const [k, v] of [...local]) {
              if (k.startsWith(`${rel}/`)) {
                local.delete(k);
                local.set(`${aside}${k.slice(rel.length)}`, v);
              }
            }
          }
          await this.pushTree(aside, remote, local, report);
          await this.pull(rel, remote, local, report);
          if (l.dir) movedAside.push(rel);
          report.conflicts.push({ path: rel, kept: aside });
        }
      }
      // Children before their folders.
      for (const rel of removeThere.reverse()) await this.removeRemote(rel, remote, report);
      for (const rel of removeHere.reverse()) this.removeLocal(rel, local);
      // What both sides hold now is the base of the next sync.
      const base = new Map();
      const after = this.scanLocal();
      for (const [rel, l] of after) {
        const r = remote.get(rel);
        if (r && r.dir === l.dir) base.set(rel, { local: l, remote: { dir: r.dir, size: r.size, time: r.time } });
      }
      this.base = base;
    } finally {
      FS.ignorePermissions = ignore;
    }
    return report;
  }

  async pushTree(rel, remote, local, report) {
    await this.push(rel, remote, local, report);
    if (!local.get(rel).dir) return;
    for (const k of [...local.keys()].sort()) {
      if (k.startsWith(`${rel}/`)) await this.push(k, remote, local, report);
    }
  }
}

const mounts = new Map();

/**
 * Mounts a copy of the folder `handle` at `path` in `FS` (an Emscripten FS).
 * @type {import("./engine_types").Engine["mount"]}
 */
export const mount = (FS, path, handle, readOnly) =>
  outcomeOf(async () => {
    const m = new CopyMount(FS, path, handle, !!readOnly);
    let here = "";
    for (const part of path.split("/").filter(Boolean)) {
      here += `/${part}`;
      if (!FS.analyzePath(here).exists) FS.mkdir(here);
    }
    FS.mount(FS.filesystems.MEMFS, {}, path);
    try {
      await m.sync();
    } catch (e) {
      FS.unmount(path);
      throw e;
    }
    if (m.readOnly) FS.chmod(path, S.DIR_RO);
    mounts.set(path, m);
  });

/**
 * Syncs the mount at `path` both ways.
 * @type {import("./engine_types").Engine["sync"]}
 */
export const sync = (path) =>
  outcomeOf(() => {
    const m = mounts.get(path);
    if (!m) throw new DOMException(`${path} is not mounted`, "NotFoundError");
    return m.sync();
  });

/**
 * Syncs, then unmounts `path`.
 * @type {import("./engine_types").Engine["unmount"]}
 */
export const unmount = (path) =>
  outcomeOf(async () => {
    const m = mounts.get(path);
    const report = m ? await m.sync() : NO_CHANGES();
    drop(path);
    return report;
  });

/**
 * Unmounts `path` without syncing (its folder was revoked).
 * @type {import("./engine_types").Engine["forget"]}
 */
export const forget = (path) =>
  outcomeOf(() => {
    drop(path);
  });

/** A watch's tick (watch.js): with each batch, a sync, which brings in what changed before it
 * is told; while it waits, a sync where Python wrote, for the watch to see (as on a disk). An
 * idle watch of an idle copy so makes no call to the folder. */
export const ticker = (path) => (changes) => {
  const m = mounts.get(path);
  if (m && (changes.length || m.changedHere())) return m.sync();
};

function drop(path) {
  const m = mounts.get(path);
  if (!m) return;
  mounts.delete(path);
  try {
    m.FS.unmount(path);
  } catch {
    // Busy (a file still open): the copy stays where it is, no longer kept in step.
  }
}
