// Files in and out of the page for its workers, loaded when first used (`usePyScript` gives
// PyScript workers all of it: `fileMethods`):
// - into a stored folder without the directory picker: a folder of the device imported
//   through `<input type="file" webkitdirectory>` (the browser's own file dialog, which needs
//   a click), a file exported as a download. Made for the origin-private folders of
//   `fallback: "private"`, whose files the user cannot reach otherwise; they work on any
//   stored folder.
// - one file opened or saved for a worker (file_picks.js), and what is dropped on the page
//   (file_drops.js).

import { clicked, offer, openFile, saveFile, offerSaved } from "./file_picks.js";
import { acceptDrops, dropped, takeDrop } from "./file_drops.js";
import { readRecord, removeRecord } from "./file_records.js";

export { openFile, saveFile, offerSaved, acceptDrops, dropped, takeDrop };

// Files are compared this many bytes at a time, so that a large one is never read whole.
const STEP = 1 << 20;

// The files of the folder the person chooses in the browser's file dialog; null if cancelled.
function chosenFiles() {
  return new Promise((resolve) => {
    const input = document.createElement("input");
    input.type = "file";
    input.webkitdirectory = true;
    input.multiple = true;
    input.hidden = true;
    const done = (files) => {
      input.remove();
      resolve(files);
    };
    input.addEventListener("change", () => done([...input.files]));
    input.addEventListener("cancel", () => done(null));
    document.body.append(input);
    input.click();
  });
}

async function fileIn(dir, name) {
  try {
    return await (await dir.getFileHandle(name)).getFile();
  } catch (e) {
    if (e?.name === "NotFoundError") return null;
    throw e;
  }
}

async function sameBytes(a, b) {
  if (a.size !== b.size) return false;
  for (let at = 0; at < a.size; at += STEP) {
    const [x, y] = await Promise.all([a.slice(at, at + STEP), b.slice(at, at + STEP)].map(async (s) => new Uint8Array(await s.arrayBuffer())));
    if (!x.every((v, i) => v === y[i])) return false;
  }
  return true;
}

// "name (imported N).ext", the first N that is free in `dir`.
async function freeName(dir, name) {
  const dot = name.lastIndexOf(".");
  const [stem, ext] = dot > 0 ? [name.slice(0, dot), name.slice(dot)] : [name, ""];
  for (let n = 1; ; n++) {
    const candidate = `${stem} (imported ${n})${ext}`;
    if (!(await fileIn(dir, candidate))) return candidate;
  }
}

/**
 * Copies a folder of the device, which the person chooses in the browser's file dialog, into
 * the folder stored under `uid` (NotFoundError if none): its files and subfolders go in at the
 * top. No file already there is overwritten: one with the same bytes is left as it is, one
 * that differs keeps its name and the imported one goes beside it as "name (imported N).ext".
 * Without a click moments ago, the host's dialog (in `options`' words, or the page's
 * `onPrompt`, kind "import") asks for one first. Answers `{written, same, renamed}` (paths in
 * the folder; `renamed` holds `[path, keptAs]` pairs), or null when the person cancels.
 * `options`: what the host was made with.
 */
export async function importFolder(host, uid, options) {
  const folder = await host.handle(uid);
  if (!(await clicked(options, "import", uid, folder.name))) return null;
  const files = await chosenFiles();
  if (!files) return null;
  const report = { written: [], same: [], renamed: [] };
  for (const file of files) {
    // "chosen/a/b.txt": the chosen folder's own name is left out.
    const relative = file.webkitRelativePath || file.name;
    const parts = relative.includes("/") ? relative.split("/").slice(1) : [relative];
    let dir = folder;
    for (const part of parts.slice(0, -1)) dir = await dir.getDirectoryHandle(part, { create: true });
    const name = parts.at(-1);
    const path = parts.join("/");
    const there = await fileIn(dir, name);
    if (there && (await sameBytes(there, file))) {
      report.same.push(path);
      continue;
    }
    const target = there ? await freeName(dir, name) : name;
    const writable = await (await dir.getFileHandle(target, { create: true })).createWritable();
    await writable.write(file);
    await writable.close();
    if (there) report.renamed.push([path, [...parts.slice(0, -1), target].join("/")]);
    else report.written.push(path);
  }
  return report;
}

/**
 * Offers the file at `path` ("a/b.txt") of the folder stored under `uid` as a download, under
 * its own name. Answers `{name, size}`.
 */
export async function exportFile(host, uid, path) {
  let dir = await host.handle(uid);
  const parts = path.split("/").filter((p) => p && p !== ".");
  if (parts.length === 0 || parts.includes("..")) throw new DOMException(`not a file's path in the folder: "${path}"`, "DataError");
  for (const part of parts.slice(0, -1)) dir = await dir.getDirectoryHandle(part);
  const file = await (await dir.getFileHandle(parts.at(-1))).getFile();
  offer(file, file.name);
  return { name: file.name, size: file.size };
}

// `{ok: true, value}` or `{ok: false, name, message}`: what a worker's Python can take across
// PyScript's sync channel, where a rejection would end a MicroPython run.
const settled = (run) =>
  Promise.resolve()
    .then(run)
    .then(
      (value) => ({ ok: true, value }),
      (e) => ({ ok: false, name: e?.name ?? "UnknownError", message: String(e?.message ?? e) }),
    );

/**
 * The main-thread methods a PyScript worker's `fshandles.import_folder`, `export`,
 * `open_file`, `save_file` and `dropped` call: `Object.assign(xworker.sync,
 * fileMethods(host, options))` (`usePyScript` does it). Each answers a settled outcome,
 * never a rejection.
 */
export function fileMethods(host, options) {
  // Python's options arrive as JSON: a dict crosses PyScript's channel alike from both
  // interpreters.
  const parsed = (json) => (json ? JSON.parse(json) : {});
  return {
    fshandlesImport: (uid) => settled(() => importFolder(host, uid, options)),
    fshandlesExport: (uid, path) => settled(() => exportFile(host, uid, path)),
    fshandlesOpenFile: (id, json) => settled(() => openFile(host, id, parsed(json), options)),
    fshandlesSaveFile: (id, json) => settled(() => saveFile(host, id, parsed(json), options)),
    fshandlesOfferSaved: (id) => settled(() => offerSaved(host, id)),
    fshandlesDropped: (id) => settled(() => dropped(host, id)),
    fshandlesTakeDrop: (uid, id, mode) => settled(() => takeDrop(host, uid, id, mode)),
  };
}

/**
 * Answers a plain JS or Rust worker's `openFile` and `saveFile` (fshandles_file.js, the worker
 * crate's `files`) arriving on `endpoint` (the `Worker`, or a `MessagePort`), as the host's
 * own prompts go (`options`: the host's). The answer carries the file's handle, or the `File`,
 * by structured clone. Answers a function that stops.
 */
export function serveFiles(host, endpoint, options) {
  const methods = {
    async openFile(id, choice) {
      const at = await openFile(host, id, choice, options);
      const record = await readRecord(at.db, at.key);
      if (at.how === "upload") await removeRecord(at.db, at.key);
      return { name: at.name, handle: record?.handle, file: record?.file };
    },
    async saveFile(id, choice) {
      const at = await saveFile(host, id, choice, options);
      return { name: at.name, handle: at.how === "handle" ? (await readRecord(at.db, at.key))?.handle : undefined };
    },
    offer(blob, name) {
      if (!(blob instanceof Blob) || typeof name !== "string") throw new DOMException("offer: expected a Blob and a name", "DataError");
      offer(blob, name);
      return { name, size: blob.size };
    },
  };
  const listener = ({ data, ports }) => {
    const asked = data?.fshandlesFiles;
    const [port] = ports ?? [];
    if (!port || !Object.hasOwn(methods, asked?.method) || !Array.isArray(asked.args)) return;
    port.postMessage("ack");
    settled(() => methods[asked.method](...asked.args)).then((outcome) => {
      port.postMessage(outcome);
      port.close();
    });
  };
  endpoint.addEventListener("message", listener);
  return () => endpoint.removeEventListener("message", listener);
}
