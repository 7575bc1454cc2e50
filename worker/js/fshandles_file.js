// One file of the user's in and out of a worker: the page has the person open a file, choose
// where to save, or drop one (fshandles_files.js). Two faces, loaded the first time a program
// opens or saves a file:
// - Python's (fshandles/_files.py): the file copied to or from a path of the interpreter's
//   file system, each entry point answering an Outcome and never throwing, as the mount
//   engines' do. PyScript's channel to the page would copy a file's bytes (it serializes), so
//   the page keeps the handle or File in IndexedDB (file_records.js) and this takes it out;
// - a JS worker's: `openFile` and `saveFile` (page_files.js), which ask the page over the
//   worker's own channel (the page answers with `serveFiles(host, worker)`).
import { outcomeOf } from "./engine.js";
import { writeWhole } from "./page_files.js";
import { readRecord, removeRecord, writeRecord } from "../../main-thread/js/file_records.js";

const parentOf = (path) => path.slice(0, Math.max(0, path.lastIndexOf("/")));

// The file under `key`: a kept handle's, or a copy's (taken out of the database: no later
// visit can use it).
async function take(db, key) {
  const record = await readRecord(db, key);
  if (record?.handle) return record.handle.getFile();
  if (!record?.file) throw new DOMException(`no file is stored under "${key}"`, "NotFoundError");
  await removeRecord(db, key);
  return record.file;
}

// Writes `bytes` to the file handle kept under `key` (through a writable, which the browser
// commits whole or not at all): "saved"; where there is none, keeps them under `key` for the
// page to offer as a download named `name`: "download".
async function put(db, key, bytes, name) {
  const record = await readRecord(db, key);
  if (!record?.handle) {
    await writeRecord(db, key, { bytes: new Blob([bytes]), name });
    return "download";
  }
  await writeWhole(record.handle, bytes);
  return "saved";
}

/**
 * Copies the file the page stored under `key` of database `db` to `path` of `FS` (its
 * folders made as needed), and answers its size.
 */
export function fetchInto(FS, path, db, key) {
  return outcomeOf(async () => {
    const bytes = new Uint8Array(await (await take(db, key)).arrayBuffer());
    const dir = parentOf(path);
    if (dir) FS.mkdirTree(dir);
    FS.writeFile(path, bytes);
    return bytes.length;
  });
}

/**
 * Writes the file at `path` of `FS` where the page said (`key` of `db`): "saved", or
 * "download" (then the page offers it, named `name`).
 */
export function storeFrom(FS, path, db, key, name) {
  return outcomeOf(() => put(db, key, FS.readFile(path), name));
}

export { openFile, saveFile } from "./page_files.js";
