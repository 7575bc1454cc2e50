// One file of the user's in and out of a worker. The page has the person open a file, choose
// where to save, or drop one (fshandles_files.js); it keeps what travels in IndexedDB
// (file_records.js), so that no file's bytes cross the worker's channel, and the worker takes
// it out and reads or writes it itself. Two faces, loaded the first time a program opens or
// saves a file:
// - Python's (fshandles/_files.py): the file copied to or from a path of the interpreter's
//   file system, each entry point answering an Outcome and never throwing, as the mount
//   engines' do;
// - a JS worker's: `openFile` and `saveFile`, which ask the page over the worker's own
//   channel (the page answers with `serveFiles(host, worker)`).
import { outcomeOf } from "./engine.js";
import { readRecord, removeRecord, writeRecord } from "../../main-thread/js/file_records.js";

const parentOf = (path) => path.slice(0, Math.max(0, path.lastIndexOf("/")));

// The file under `key`: a kept handle's, or a copy's (taken out of the database: no later
// visit can use it).
async function take(db, key) {
  const record = await readRecord(db, key);
  if (record?.handle) return { handle: record.handle, file: await record.handle.getFile() };
  if (!record?.file) throw new DOMException(`no file is stored under "${key}"`, "NotFoundError");
  await removeRecord(db, key);
  return { file: record.file };
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
  const writable = await record.handle.createWritable();
  try {
    await writable.write(bytes);
    await writable.close();
  } catch (e) {
    await writable.abort().catch(() => {});
    throw e;
  }
  return "saved";
}

/**
 * Copies the file the page stored under `key` of database `db` to `path` of `FS` (its
 * folders made as needed), and answers its size.
 */
export function fetchInto(FS, path, db, key) {
  return outcomeOf(async () => {
    const bytes = new Uint8Array(await (await take(db, key)).file.arrayBuffer());
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

// How long the page has to say it serves files before a call fails: it answers at once, and
// only then waits for the person.
const ACK_MS = 10000;

// Asks the page's `serveFiles` for `method(...args)` over `endpoint` (the worker's own channel,
// or a MessagePort), with a port of its own for the answer.
function askPage(method, args, endpoint) {
  return new Promise((resolve, reject) => {
    const { port1, port2 } = new MessageChannel();
    const timer = setTimeout(() => {
      port1.close();
      reject(new DOMException(`the page did not answer ${method} within ${ACK_MS} ms: it serves a worker's files with serveFiles(host, worker) (fshandles/files)`, "TimeoutError"));
    }, ACK_MS);
    port1.onmessage = ({ data }) => {
      clearTimeout(timer);
      if (data === "ack") return;
      port1.close();
      if (data?.ok) resolve(data.value);
      else reject(new DOMException(data?.message ?? "the page's answer was malformed", data?.name ?? "DataError"));
    };
    endpoint.postMessage({ fshandlesFiles: { method, args } }, [port2]);
  });
}

/**
 * Has the person open a file for `id` (default "default"): the one kept for `id` with no
 * picker (unless `pick`), else the one they choose, kept for the next time (`accept` narrows
 * the picker, as `{"text/csv": [".csv"]}`). Answers `{name, how, file, handle}`: `how` is
 * "handle" (`handle` the `FileSystemFileHandle`) or, where the browser has no file picker,
 * "upload" (a copy: `file` only). A cancel is a NotAllowedError. `endpoint`: where the page
 * listens (default: this worker's own channel).
 * @param {{id?: string, accept?: Record<string, string[]>, pick?: boolean}} [options]
 * @param {{postMessage(message: unknown, transfer: Transferable[]): void}} [endpoint]
 * @returns {Promise<{name: string, how: "handle" | "upload", file: File, handle?: FileSystemFileHandle}>}
 */
export async function openFile({ id = "default", accept, pick = false } = {}, endpoint = /** @type {any} */ (globalThis)) {
  const where = await askPage("openFile", [id, { accept, pick }], endpoint);
  const { handle, file } = await take(where.db, where.key);
  return { name: where.name, how: handle ? "handle" : "upload", file, handle };
}

/**
 * Writes `data` (bytes, a string or a Blob) to the file kept for `id` (opened or saved before),
 * else to the one the person chooses (`suggestedName`, `accept`; `pick`: choose anew), kept
 * for the next time: "saved". Where the browser has no save picker, the page offers `data`
 * as a download: "downloaded".
 * @param {BufferSource | Blob | string} data
 * @param {{id?: string, suggestedName?: string, accept?: Record<string, string[]>, pick?: boolean}} [options]
 * @param {{postMessage(message: unknown, transfer: Transferable[]): void}} [endpoint]
 * @returns {Promise<"saved" | "downloaded">}
 */
export async function saveFile(data, { id = "default", suggestedName, accept, pick = false } = {}, endpoint = /** @type {any} */ (globalThis)) {
  const where = await askPage("saveFile", [id, { suggestedName, accept, pick }], endpoint);
  if ((await put(where.db, where.key, data, where.name)) === "saved") return "saved";
  await askPage("offerSaved", [id], endpoint);
  return "downloaded";
}
