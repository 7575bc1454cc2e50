// One file through the page, for a worker's JS (fshandles_file.js bundles this) and its Rust
// (the worker crate's `files` module, feature "files", takes it as a wasm-bindgen snippet: it
// may only export functions, and imports nothing). The worker asks the page's `serveFiles`
// (fshandles_files.js) over its own channel, with a port of its own for the answer; the page
// answers with the FileSystemFileHandle (or, where the browser has none, the File), which
// crosses by structured clone: no file's bytes are copied across.

// How long the page has to say it serves files: it answers at once, and only then waits for
// the person.
const ACK_MS = 10000;

// `method(...args)` of the page's serveFiles, over `endpoint`.
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
 * Writes `data` to `handle` through a writable, which the browser commits whole or not at all.
 * @param {FileSystemFileHandle} handle
 * @param {BufferSource | Blob | string} data
 */
export async function writeWhole(handle, data) {
  const writable = await handle.createWritable();
  try {
    await writable.write(data);
    await writable.close();
  } catch (e) {
    await writable.abort().catch(() => {});
    throw e;
  }
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
  const got = await askPage("openFile", [id, { accept, pick }], endpoint);
  const file = got.handle ? await got.handle.getFile() : got.file;
  return { name: got.name, how: got.handle ? "handle" : "upload", file, handle: got.handle };
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
  const at = await askPage("saveFile", [id, { suggestedName, accept, pick }], endpoint);
  if (!at.handle) {
    await askPage("offer", [new Blob([data]), at.name], endpoint);
    return "downloaded";
  }
  await writeWhole(at.handle, data);
  return "saved";
}

/** `openFile` for Rust: `done(error, opened)`. */
export function openFileThen(options, done) {
  openFile(options).then((opened) => done(null, opened), (e) => done(e, null));
}

/** `saveFile` for Rust: `done(error, "saved" or "downloaded")`. */
export function saveFileThen(data, options, done) {
  saveFile(data, options).then((how) => done(null, how), (e) => done(e, null));
}
