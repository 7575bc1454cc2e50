// One file of the user's in and out of a worker's interpreter: the file the page had the
// person open (or drop) is copied to a path of the interpreter's file system, and a file
// there is written to the file the person chose to save to, or, where the browser gives no
// file handle, handed to the page to offer as a download. The page keeps what travels in
// IndexedDB (file_records.js), so that no file's bytes cross the worker's channel. Loaded the
// first time a program opens or saves a file (fshandles/_files.py); each entry point answers
// an Outcome and never throws, as the mount engines' do.
import { outcomeOf } from "./engine.js";
import { readRecord, removeRecord, writeRecord } from "../../main-thread/js/file_records.js";

const parentOf = (path) => path.slice(0, Math.max(0, path.lastIndexOf("/")));

/**
 * Copies the file the page stored under `key` of database `db` to `path` of `FS` (its
 * folders made as needed), and answers its size. An uploaded copy, which no later visit can
 * use, is taken out of the database once read; a file handle stays for the next open.
 */
export function fetchInto(FS, path, db, key) {
  return outcomeOf(async () => {
    const record = await readRecord(db, key);
    if (!record?.handle && !record?.file) throw new DOMException(`no file is stored under "${key}"`, "NotFoundError");
    const file = record.handle ? await record.handle.getFile() : record.file;
    const bytes = new Uint8Array(await file.arrayBuffer());
    const dir = parentOf(path);
    if (dir) FS.mkdirTree(dir);
    FS.writeFile(path, bytes);
    if (!record.handle) await removeRecord(db, key);
    return bytes.length;
  });
}

/**
 * Writes the file at `path` of `FS` to the file handle the page stored under `key` of `db`
 * (through a writable, which the browser commits whole or not at all), and answers
 * "saved"; where the page stored no handle, puts the bytes under `key` for the page to offer
 * as a download named `name`, and answers "download".
 */
export function storeFrom(FS, path, db, key, name) {
  return outcomeOf(async () => {
    const bytes = FS.readFile(path);
    const record = await readRecord(db, key);
    if (!record?.handle) {
      await writeRecord(db, key, { bytes: new Blob([bytes]), name });
      return "download";
    }
    const writable = await record.handle.createWritable();
    try {
      await writable.write(bytes);
      await writable.close();
    } catch (e) {
      await writable.abort().catch(() => {});
      throw e;
    }
    return "saved";
  });
}
