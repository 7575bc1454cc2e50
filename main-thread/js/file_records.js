// Where one file opened or saved for a worker, and what was dropped on the page, are kept:
// IndexedDB, which both the page and its workers reach, so that a file's bytes never cross
// the worker's channel (a handle or a File is structured-cloned into the database, and the
// worker takes it out itself). Keys, by the worker's `id`: `file:<id>` a file handle (kept
// across visits, for the next open or save), `upload:<id>` a copy where the browser gives no
// handle (taken out once read), `download:<id>` bytes a worker saved for the page to offer
// as a download, `drop:<id>` a dropped folder awaiting a mount. The worker's copy of this file
// is bundled into fshandles_file.js (worker/js).

/** The store's name in the database. */
const STORE = "files";

/** The database of a host's folder records (main-thread/src/records.rs), by its namespace. */
export const foldersOf = (namespace) => `IDBMap/${namespace}`;

/** The database of a host's files, beside its folder records. */
export const databaseOf = (namespace) => `${foldersOf(namespace)}/files`;

/**
 * `{handle}` (a `FileSystemFileHandle`, kept across visits), `{file}` (a `File`: a copy where
 * the browser gives no handle), `{folder}` (a dropped `FileSystemDirectoryHandle`) or
 * `{bytes, name}` (a `Blob` to offer as a download).
 * @typedef {{handle?: FileSystemFileHandle, file?: File, folder?: FileSystemDirectoryHandle, bytes?: Blob, name?: string}} FileRecord
 */

const done = (request) =>
  new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });

/**
 * Runs `step(store)` in one transaction on object store `name` of database `db` (made on
 * first use, as idb-map makes its own) and answers its result once the transaction has
 * committed.
 */
export async function inStore(db, name, mode, step) {
  const request = indexedDB.open(db);
  request.onupgradeneeded = () => request.result.createObjectStore(name);
  const connection = await done(request);
  try {
    const transaction = connection.transaction(name, mode);
    const result = done(step(transaction.objectStore(name)));
    await new Promise((resolve, reject) => {
      transaction.oncomplete = resolve;
      transaction.onabort = () => reject(transaction.error);
    });
    return result;
  } finally {
    connection.close();
  }
}

/** @returns {Promise<FileRecord | undefined>} the record under `key` of database `db`. */
export const readRecord = (db, key) => inStore(db, STORE, "readonly", (store) => store.get(key));

/** Puts `record` under `key`; settles once committed. */
export const writeRecord = (db, key, record) => inStore(db, STORE, "readwrite", (store) => store.put(record, key));

/** Removes what is under `key`. */
export const removeRecord = (db, key) => inStore(db, STORE, "readwrite", (store) => store.delete(key));
