// One file for a worker: the file the person opens, the file they save to. The file handle is
// kept under the worker's `id` (file_records.js), so that the next open or save of that id
// goes to the same file with no picker (as an editor's "Save" after a first "Save as"), with
// the browser's permission asked again when it lapsed. Where the browser has no file pickers
// (Firefox, Safari) an open is a copy through `<input type="file">` and a save a download.
// Each needs a click: the page's own, moments ago, or one on the host's dialog.

import { ask } from "./fshandles_dialog.js";
import { databaseOf, readRecord, writeRecord, removeRecord } from "./file_records.js";

// How a prompt ended, as fshandles_dialog.js numbers them.
const AUTHORIZE = 0;

let asked = 0;

/**
 * Whether a click is there for a picker or the browser's permission prompt: the page has one
 * now, or the host's dialog (or the page's own prompt, `onPrompt`) gets one, for a prompt of
 * `kind` ("import", "open", "save", "reopen"). False: cancelled.
 */
export function clicked(options, kind, uid, name, mode = "readwrite") {
  if (globalThis.navigator?.userActivation?.isActive) return Promise.resolve(true);
  return new Promise((resolve, reject) => {
    const ended = (how) => (how instanceof Error ? reject(how) : resolve(how === AUTHORIZE));
    ask(`${kind}-${++asked}`, options ?? {}, { uid, kind, mode, name }, ended);
  });
}

/** Offers `blob` as a download named `name`. */
export function offer(blob, name) {
  const url = URL.createObjectURL(blob);
  const link = document.createElement("a");
  link.href = url;
  link.download = name;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  // The download has read the blob well before this; revoking at once could cut it short.
  setTimeout(() => URL.revokeObjectURL(url), 60000);
}

const refused = (what) => new DOMException(`${what} was cancelled or refused`, "NotAllowedError");

// `accept` in the pickers' own shape, `{"text/csv": [".csv"]}`: their `types`, or a DataError.
function typesOf(accept) {
  if (accept == null) return undefined;
  const entries = typeof accept === "object" ? Object.entries(accept) : null;
  const fine = entries?.every(([mime, exts]) => /^[\w.+-]+\/[\w.+*-]+$/.test(mime) && Array.isArray(exts) && exts.every((e) => /^\.[\w.-]+$/.test(e)));
  if (!fine) throw new DOMException(`accept must map MIME types to lists of extensions, as {"text/csv": [".csv"]}; got ${JSON.stringify(accept)}`, "DataError");
  return [{ accept }];
}

function checkId(id) {
  if (typeof id !== "string" || !id || id.length > 256) throw new DOMException(`a file's id must be a string of 1 to 256 characters, not ${JSON.stringify(id)}`, "DataError");
}

// The pickers remember the last folder per `id`, which must be 32 letters, digits, _ or -.
const pickerId = (id) => (/^[\w-]{1,32}$/.test(id) ? id : undefined);

// The person's choice in `picker`; a refusal if they cancel.
async function chosen(picker, what, options) {
  try {
    return await picker(options);
  } catch (e) {
    if (e?.name === "AbortError") throw refused(what);
    throw e;
  }
}

// Permission for `mode` on `handle`, asked again (after a click) where it lapsed.
async function allowed(handle, mode, options, id) {
  if (typeof handle.queryPermission !== "function") return;
  if ((await handle.queryPermission({ mode })) === "granted") return;
  if (!(await clicked(options, "reopen", id, handle.name, mode))) throw refused(`access to "${handle.name}"`);
  if ((await handle.requestPermission({ mode })) !== "granted") throw refused(`access to "${handle.name}"`);
}

// The file stored under `key`, if its handle still finds it; NotFoundError (the record kept,
// for `pick` to replace) when the file was moved or removed since.
async function stillThere(db, key, mode, options, id) {
  const stored = await readRecord(db, key);
  if (!stored?.handle) return null;
  await allowed(stored.handle, mode, options, id);
  try {
    await stored.handle.getFile();
  } catch (e) {
    if (e?.name !== "NotFoundError") throw e;
    throw new DOMException(`the file "${stored.handle.name}" kept for id "${id}" was moved or removed; pick another (pick=True)`, "NotFoundError");
  }
  return stored.handle;
}

// `<input type="file">`'s chosen file, or null if cancelled.
function inputFile(accept) {
  return new Promise((resolve) => {
    const input = document.createElement("input");
    input.type = "file";
    input.hidden = true;
    if (accept) input.accept = Object.entries(accept).flat(2).join(",");
    const done = (file) => {
      input.remove();
      resolve(file);
    };
    input.addEventListener("change", () => done(input.files[0] ?? null));
    input.addEventListener("cancel", () => done(null));
    document.body.append(input);
    input.click();
  });
}

/**
 * Has the person open a file for the worker's `id`: the file kept for `id` (no picker unless
 * `pick`), else the one they choose in `showOpenFilePicker` (`accept`: its types' `accept`),
 * kept for the next time. Where the browser has no such picker, a copy of the file they choose
 * in `<input type="file">`, or the one dropped for `id` (file_drops.js). Answers where the
 * worker finds it: `{db, key, name, how}`, `how` "handle" or "upload" (a copy). A cancel is a
 * NotAllowedError, and stores nothing. `options`: the host's.
 * @param {{accept?: Record<string, string[]>, pick?: boolean} | undefined} choice
 */
export async function openFile(host, id, choice, options) {
  const { accept, pick = false } = choice ?? {};
  checkId(id);
  const types = typesOf(accept);
  const db = databaseOf(host.namespace);
  // A copy dropped for `id` where the drop gave no handle (file_drops.js), once.
  const waiting = pick ? null : await readRecord(db, `upload:${id}`);
  if (waiting?.file) return { db, key: `upload:${id}`, name: waiting.file.name, how: "upload" };
  if (typeof globalThis.showOpenFilePicker !== "function") {
    const key = `upload:${id}`;
    if (!(await clicked(options, "open", id, "", "read"))) throw refused("opening a file");
    const file = await inputFile(accept);
    if (!file) throw refused("opening a file");
    await writeRecord(db, key, { file });
    return { db, key, name: file.name, how: "upload" };
  }
  const key = `file:${id}`;
  let handle = pick ? null : await stillThere(db, key, "read", options, id);
  if (!handle) {
    if (!(await clicked(options, "open", id, "", "read"))) throw refused("opening a file");
    [handle] = await chosen(globalThis.showOpenFilePicker, "opening a file", { id: pickerId(id), types, multiple: false });
    await writeRecord(db, key, { handle });
  }
  return { db, key, name: handle.name, how: "handle" };
}

/**
 * Has the person choose where the worker's file for `id` is saved: the file kept for `id`
 * (opened or saved before: no picker unless `pick`; write access asked for if it lapsed),
 * else the one they choose in `showSaveFilePicker` (`suggestedName`, `accept`), kept for the
 * next time. Where the browser has no such picker, the save is a download. Answers where the
 * worker puts the bytes: `{db, key, name, how}`, `how` "handle" or "download" (then
 * `offerSaved` offers them).
 * @param {{suggestedName?: string, accept?: Record<string, string[]>, pick?: boolean} | undefined} choice
 */
export async function saveFile(host, id, choice, options) {
  const { suggestedName, accept, pick = false } = choice ?? {};
  checkId(id);
  const types = typesOf(accept);
  const db = databaseOf(host.namespace);
  if (typeof globalThis.showSaveFilePicker !== "function") {
    return { db, key: `download:${id}`, name: suggestedName || "download", how: "download" };
  }
  const key = `file:${id}`;
  let handle = pick ? null : await stillThere(db, key, "readwrite", options, id);
  if (!handle) {
    if (!(await clicked(options, "save", id, suggestedName ?? "", "readwrite"))) throw refused("saving a file");
    handle = await chosen(globalThis.showSaveFilePicker, "saving a file", { id: pickerId(id), types, suggestedName: suggestedName || undefined });
    await writeRecord(db, key, { handle });
  }
  return { db, key, name: handle.name, how: "handle" };
}

/** Offers as a download what the worker saved for `id` where there was no save picker. */
export async function offerSaved(host, id) {
  checkId(id);
  const db = databaseOf(host.namespace);
  const key = `download:${id}`;
  const saved = await readRecord(db, key);
  if (!saved?.bytes) throw new DOMException(`nothing was saved for id "${id}"`, "NotFoundError");
  offer(saved.bytes, saved.name);
  await removeRecord(db, key);
  return { name: saved.name, size: saved.bytes.size };
}
