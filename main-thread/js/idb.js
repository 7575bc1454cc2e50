// IndexedDB for `src/records.rs`: each step one call that answers a promise, rather than an
// import from Rust for each IndexedDB method and a listener for each event. What the records
// mean (the mirror, generations, what a failure says) stays in Rust.

// A connection closes when another tab upgrades the database, instead of blocking it forever;
// records.rs reopens on next use. One handler for every connection, holding none.
const closeOnVersionChange = (event) => event.target.close();

// `request`'s result, or its error (null when it has none).
const done = (request) =>
  new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });

// Settles once `transaction` has committed (only then is a write durable), or with its error:
// an `error` event's own (the failed request's, set before the transaction's is), else the
// transaction's when it aborts.
const committed = (transaction) =>
  new Promise((resolve, reject) => {
    transaction.oncomplete = () => resolve();
    transaction.onerror = (event) => reject(event.target.error ?? transaction.error);
    transaction.onabort = () => reject(transaction.error);
  });

/**
 * Opens database `name`, creating object store `store` on first use as idb-map does. Throws at
 * once where there is no IndexedDB. Answers the connection, or null when it has not opened
 * within `timeoutMs`: an open waits, with no event of its own, while another tab holds the
 * database open across an upgrade. One that opens after that is closed at once (an unused
 * connection would block upgrades).
 */
export function open(name, store, timeoutMs) {
  if (!globalThis.indexedDB) throw new Error("no indexedDB");
  const request = indexedDB.open(name);
  request.onupgradeneeded = () => {
    const db = request.result;
    if (!db.objectStoreNames.contains(store)) db.createObjectStore(store);
  };
  const opened = done(request);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      resolve(null);
      opened.then((db) => db.close(), () => {});
    }, timeoutMs);
    opened.then(
      (db) => {
        clearTimeout(timer);
        db.onversionchange = closeOnVersionChange;
        resolve(db);
      },
      (error) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

/** The value under `key` in `store` (an `IDBObjectStore`), or undefined. */
export function read(store, key) {
  return done(store.get(key));
}

/** Puts `value` under `key`; settles once committed. */
export function write(store, key, value) {
  store.put(value, key);
  return committed(store.transaction);
}

/** Deletes `key`; answers, once committed, whether it was there. */
export function remove(store, key) {
  const commit = committed(store.transaction);
  const count = done(store.count(key));
  store.delete(key);
  return Promise.all([count, commit]).then(([n]) => n > 0);
}
