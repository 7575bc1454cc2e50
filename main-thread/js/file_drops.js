// A file or folder dropped on the page, kept for a worker's `id` with no picker: a dropped file
// is what the worker's next open of that id gets (file_picks.js), a dropped folder what its
// next mount with that id gets. Chromium gives a drop's handles (`getAsFileSystemHandle`), with
// read access; write access is asked for (through the host's dialog) when a worker mounts the
// folder read-write. Where the browser gives no handle (Firefox, Safari) a dropped file is a
// copy, and a dropped folder is copied into the origin-private file system
// (`fshandles-drops/<id>`), which a worker then mounts: a copy, not the user's folder.

import { databaseOf, foldersOf, inStore, readRecord, writeRecord, removeRecord } from "./file_records.js";

// What the page's drops told, kept on the host (a bundled page may load this module twice:
// once for its own code, once for PyScript's workers): per id, the drop not yet awaited, and
// those who await the next one.
const DROPS = Symbol.for("fshandles.drops");

function dropsOf(host) {
  host[DROPS] ??= { arrived: new Map(), waiting: new Map() };
  return host[DROPS];
}

function tell(host, id, what) {
  const { arrived, waiting } = dropsOf(host);
  const waiters = waiting.get(id);
  waiting.delete(id);
  if (waiters) waiters.forEach((resolve) => resolve(what));
  else arrived.set(id, what);
}

// The files under a dropped folder's entry (FileSystemDirectoryEntry: what a drop gives where
// there is no handle), as [path, File] pairs; a folder's path ends with "/".
async function filesUnder(dir, prefix = "") {
  const out = [];
  const reader = dir.createReader();
  for (;;) {
    const batch = await new Promise((resolve, reject) => reader.readEntries(resolve, reject));
    if (batch.length === 0) return out;
    for (const entry of batch) {
      const path = prefix + entry.name;
      if (entry.isDirectory) out.push([`${path}/`, null], ...(await filesUnder(entry, `${path}/`)));
      else out.push([path, await new Promise((resolve, reject) => entry.file(resolve, reject))]);
    }
  }
}

// A copy of a dropped folder's files in the origin-private folder `fshandles-drops/<id>` (made
// anew): a FileSystemDirectoryHandle a worker can mount, where the drop gave none.
async function copied(entry, id) {
  const root = await (await navigator.storage.getDirectory()).getDirectoryHandle("fshandles-drops", { create: true });
  await root.removeEntry(id, { recursive: true }).catch((e) => {
    if (e?.name !== "NotFoundError") throw e;
  });
  const folder = await root.getDirectoryHandle(id, { create: true });
  for (const [path, file] of await filesUnder(entry)) {
    const parts = path.split("/").filter(Boolean);
    let dir = folder;
    for (const part of file ? parts.slice(0, -1) : parts) dir = await dir.getDirectoryHandle(part, { create: true });
    if (!file) continue;
    const writable = await (await dir.getFileHandle(parts.at(-1), { create: true })).createWritable();
    await writable.write(file);
    await writable.close();
  }
  return folder;
}

// Keeps what was dropped for `id`; answers `{kind, name}` ("file" or "folder"), or null when
// nothing could be kept. `handle`, `file` and `entry` were asked for during the drop event (its
// items are emptied after it).
async function keep(db, id, handle, file, entry) {
  const got = (await handle) ?? (entry?.isDirectory ? await copied(entry, id) : null);
  if (got?.kind === "directory") {
    await writeRecord(db, `drop:${id}`, { folder: got });
    return { kind: "folder", name: entry?.name ?? got.name };
  }
  if (got) {
    await writeRecord(db, `file:${id}`, { handle: got });
    return { kind: "file", name: got.name };
  }
  if (!file) return null;
  await writeRecord(db, `upload:${id}`, { file });
  return { kind: "file", name: file.name };
}

/**
 * Takes what is dropped on `element` for the workers' `id` (default "default"): of several
 * items, the first file or folder; a drop of no file (text, a link) is left to the page.
 * Answers a function that stops taking drops.
 */
export function acceptDrops(host, element, { id = "default" } = {}) {
  if (typeof id !== "string" || !id) throw new DOMException(`acceptDrops: id must be a non-empty string, not ${JSON.stringify(id)}`, "DataError");
  const db = databaseOf(host.namespace);
  const hasFiles = (event) => [...(event.dataTransfer?.types ?? [])].includes("Files");
  const over = (event) => {
    if (hasFiles(event)) event.preventDefault();
  };
  const drop = (event) => {
    const item = [...(event.dataTransfer?.items ?? [])].find((i) => i.kind === "file");
    if (!item) return;
    event.preventDefault();
    const handle = item.getAsFileSystemHandle?.() ?? null;
    const file = item.getAsFile();
    const entry = item.webkitGetAsEntry?.();
    keep(db, id, handle, file, entry).then(
      (what) => (what ? tell(host, id, what) : console.warn("fshandles: the drop held nothing to keep")),
      (e) => console.warn("fshandles: a drop could not be kept:", e),
    );
  };
  element.addEventListener("dragover", over);
  element.addEventListener("drop", drop);
  return () => {
    element.removeEventListener("dragover", over);
    element.removeEventListener("drop", drop);
  };
}

/**
 * `{kind, name}` of the next drop for `id` ("file" or "folder"), or of the last one if no one
 * awaited it yet.
 */
export function dropped(host, id = "default") {
  const { arrived, waiting } = dropsOf(host);
  if (arrived.has(id)) {
    const what = arrived.get(id);
    arrived.delete(id);
    return Promise.resolve(what);
  }
  return new Promise((resolve) => waiting.set(id, [...(waiting.get(id) ?? []), resolve]));
}

/**
 * Makes the folder dropped for `id` the one stored under the folder record `uid`
 * ("/data@drops"), so that the mount that asks for `uid` gets it; answers whether one was
 * waiting. It is written as PyScript's own records are, which the host reads when it has
 * none of its own for `uid` (so it first forgets the one it had).
 */
export async function takeDrop(host, uid, id, mode = "readwrite") {
  const db = databaseOf(host.namespace);
  const waiting = await readRecord(db, `drop:${id}`);
  if (!waiting?.folder) return false;
  await host.deleteFSHandler(uid);
  const record = { handler: waiting.folder, options: { id, mode } };
  await inStore(foldersOf(host.namespace), "entries", "readwrite", (store) => store.put(record, uid));
  await removeRecord(db, `drop:${id}`);
  return true;
}
