// The page side of the tests: a real FsHost, real workers, and helpers the Node tests call
// through page.evaluate.
import { picker } from "/tests/browser/support/standin.js";
import init, { FsHost } from "/dist/main/fshandles_main.js";
import { workers, startWorker, call, callOnClick } from "/tests/browser/support/commands.js";

const params = new URLSearchParams(location.search);
const wasm = await init();

// ?nowaitasync: a host as in browsers without Atomics.waitAsync, rung by a message per request.
if (params.has("nowaitasync")) Atomics.waitAsync = undefined;

const options = {};
if (params.has("ns")) options.namespace = params.get("ns");
if (params.has("ttl")) options.permissionTtlMs = Number(params.get("ttl"));
// ?fallback: origin-private folders where the browser has no picker (with ?nopicker here, or
// in Firefox).
if (params.has("fallback")) options.fallback = "private";
// ?dialog=fr: the dialog in the page's words (French, {name} and {mode} in them).
if (params.get("dialog") === "fr") {
  options.dialog = {
    pick: { title: "Choisir un dossier ?", text: "Un worker demande un dossier ({mode}).", authorize: "Autoriser", cancel: "Annuler" },
    regrant: { title: "Autoriser encore ?", text: "Un worker demande encore « {name} » ({mode}).", authorize: "Oui", cancel: "Non" },
    modes: { read: "lecture", readwrite: "lecture et écriture" },
  };
}
// ?dialog=bad and ?dialog=flat: words that are not strings, and a string where an object of
// words goes (mistakes the first prompt reports).
if (params.get("dialog") === "bad") options.dialog = { pick: { title: 42 } };
if (params.get("dialog") === "flat") options.dialog = { regrant: "Autoriser ?" };
// ?ownprompt: the page's own prompt. Each is kept in `prompts` with the buttons that settle
// it: Yes and No of the page's own, and `answer(value)` for a test that settles it with no click.
const prompts = [];
if (params.has("ownprompt")) {
  options.onPrompt = (prompt) =>
    new Promise((resolve) => {
      const { signal, ...asked } = prompt;
      const entry = { ...asked, aborted: false, answer: resolve };
      signal.addEventListener("abort", () => (entry.aborted = true));
      for (const [id, yes] of [["own-yes", true], ["own-no", false]]) {
        const button = document.createElement("button");
        button.id = id;
        button.textContent = id;
        button.addEventListener("click", () => (document.querySelectorAll("#own-yes, #own-no").forEach((b) => b.remove()), resolve(yes)));
        document.body.append(button);
      }
      prompts.push(entry);
    });
}
const host = new FsHost(options);
// Pages served with a Content-Security-Policy (?csp) give their workers one too.
const workerQuery = params.has("csp") ? "?csp" : "";
const forgotten = new Map();

function spawn(name, { attach = true, script = "/tests/browser/support/worker.js" } = {}) {
  const w = startWorker(name, `${script}${workerQuery}`);
  w.buffer = null;
  // The host and this page read the same message objects: keep a weak reference to the
  // client's shared buffer, to see whether the host lets go of it (`forget`). Pages that are
  // not cross-origin isolated have no SharedArrayBuffer.
  w.worker.addEventListener("message", ({ data }) => {
    const sab = globalThis.SharedArrayBuffer && data?.fshandles !== undefined && data.sab;
    if (sab && sab instanceof SharedArrayBuffer) w.buffer = new WeakRef(sab);
  });
  if (attach) host.attach(w.worker);
  // ?files: the page serves its workers' openFile and saveFile (fshandles_files.js), from
  // before the worker's first command: a request sent before the page listens is not heard.
  const serving = params.has("files") && import("/dist/main/fshandles_files.js").then((m) => m.serveFiles(host, w.worker, options));
  return Promise.all([w.loaded, serving]).then(() => true);
}

// The origin-private folder at `path` ("picked-1", or "fshandles/pyscript" for a fallback's).
async function folderAt(path, create = false) {
  let dir = await navigator.storage.getDirectory();
  for (const part of path.split("/")) dir = await dir.getDirectoryHandle(part, { create });
  return dir;
}

async function readFile(folder, name) {
  const dir = await folderAt(folder);
  return (await (await dir.getFileHandle(name)).getFile()).text();
}

async function writeFile(folder, name, text) {
  const dir = await folderAt(folder, true);
  const w = await (await dir.getFileHandle(name, { create: true })).createWritable();
  await w.write(text);
  await w.close();
}

// Runs a host method and reports {ok, value} or {ok: false, error} like `call`.
async function hostCall(method, ...args) {
  try {
    const value = await host[method](...args);
    return { ok: true, value: value instanceof FileSystemHandle ? value.name : value };
  } catch (e) {
    return { ok: false, error: { name: e?.name, message: e?.message, isError: e instanceof Error } };
  }
}

// The raw IndexedDB record, as PyScript's idb-map would read it.
function idbRecord(uid, ns = "@pyscript.fs") {
  return new Promise((resolve, reject) => {
    const open = indexedDB.open(`IDBMap/${ns}`);
    open.onupgradeneeded = () => open.result.createObjectStore("entries");
    open.onerror = () => reject(open.error);
    open.onsuccess = () => {
      const db = open.result;
      const req = db.transaction("entries").objectStore("entries").get(uid);
      req.onsuccess = () => {
        const v = req.result;
        db.close();
        resolve(v === undefined ? null : {
          bare: v instanceof FileSystemDirectoryHandle,
          handler: (v.handler ?? v)?.name ?? null,
          handlerKind: (v.handler ?? v)?.kind ?? null,
          options: v.options ?? null,
        });
      };
      req.onerror = () => reject(req.error);
    };
  });
}

// Writes a record as older PyScript did: the bare handle.
function putBareRecord(uid, folder, ns = "@pyscript.fs") {
  return new Promise(async (resolve, reject) => {
    const root = await navigator.storage.getDirectory();
    const dir = await root.getDirectoryHandle(folder, { create: true });
    const open = indexedDB.open(`IDBMap/${ns}`);
    open.onupgradeneeded = () => open.result.createObjectStore("entries");
    open.onerror = () => reject(open.error);
    open.onsuccess = () => {
      const tx = open.result.transaction("entries", "readwrite");
      tx.objectStore("entries").put(dir, uid);
      tx.oncomplete = () => { open.result.close(); resolve(true); };
      tx.onerror = () => reject(tx.error);
    };
  });
}

// A worker that speaks the wire format by hand (support/raw-worker.js).
function spawnRaw(name) {
  const worker = new Worker("/tests/browser/support/raw-worker.js", { type: "module" });
  const waiting = new Map();
  worker.addEventListener("message", ({ data }) => {
    if (data?.raw === undefined) return;
    waiting.get(data.raw)?.(data.value);
    waiting.delete(data.raw);
  });
  host.attach(worker);
  workers.set(name, { worker, waiting, raw: true });
  return true;
}

let rawSeq = 0;
function rawCall(name, cmd, ...args) {
  const w = workers.get(name);
  const raw = ++rawSeq;
  return new Promise((resolve) => {
    w.waiting.set(raw, resolve);
    w.worker.postMessage({ raw, cmd, args });
  });
}

// A folder of the device into the folder stored under `uid`, and a file out of it as a
// download (fshandles_files.js, as a page's own code calls it): {ok, value} or {ok: false, error}.
const files = () => import("/dist/main/fshandles_files.js");
const outcome = (p) => p.then((value) => ({ ok: true, value }), (e) => ({ ok: false, error: { name: e?.name, message: e?.message } }));
const importInto = (uid) => outcome(files().then((m) => m.importFolder(host, uid, options)));
const exportOut = (uid, path) => outcome(files().then((m) => m.exportFile(host, uid, path)));

Object.assign(globalThis, {
  importInto, exportOut,
  spawnRaw, rawCall,
  wasmMemory: () => wasm.memory.buffer.byteLength,
  served: (name) => host.served(workers.get(name).worker) ?? null,
  host, picker, workers, spawn, call, callOnClick, readFile, writeFile, hostCall, idbRecord, putBareRecord,
  detach: (name) => host.detach(workers.get(name).worker),
  terminate: (name) => workers.get(name).worker.terminate(),
  // Lets a worker go, ends it and drops every reference the page has to it, keeping weak
  // ones: after a garbage collection, `alive(name)` says what something else still holds.
  // `how`: "detach" the worker, or "free" the whole host.
  forget: (name, how = "detach") => {
    const { worker, buffer } = workers.get(name);
    if (how === "free") host.free();
    else host.detach(worker);
    worker.terminate();
    workers.delete(name);
    forgotten.set(name, { worker: new WeakRef(worker), buffer });
  },
  // The link word of a sab client's buffer (shared/src/frame): 1 the host holds it and is
  // rung by message, 3 it waits on the buffer itself.
  link: (name) => {
    const sab = workers.get(name).buffer?.deref();
    return sab ? Atomics.load(new Int32Array(sab), 3) : null;
  },
  alive: (name) => {
    const { worker, buffer } = forgotten.get(name);
    return { worker: worker.deref() !== undefined, buffer: buffer?.deref() !== undefined };
  },
  // `n` hosts one after another, each made, asked once (a store-hit of `uid`) and freed, as a
  // page that makes a host per view does. Resolves with the answers that were not true.
  async hostChurn(uid, n) {
    const wrong = [];
    for (let i = 0; i < n; i++) {
      const h = new FsHost(options);
      const got = await h.storeFSHandler(uid, {});
      h.free();
      if (got !== true) wrong.push({ i, got });
    }
    return wrong;
  },
  dialogOpen: () => document.querySelectorAll("dialog.fshandles-dialog").length,
  // The page's own prompts so far (?ownprompt), as they were asked.
  ownPrompts: () => prompts.map(({ answer, ...p }) => p),
  answerOwnPrompt: (value) => prompts.at(-1).answer(value),
  // What `new FsHost(options)` throws, as {name, message}; null when it makes a host.
  hostRefuses(options) {
    try {
      new FsHost(options).free();
      return null;
    } catch (e) {
      return { name: e.name, message: e.message, isError: e instanceof Error };
    }
  },
  // The open dialog: its words, its accessible name and description, and some computed style.
  dialogSeen() {
    const d = document.querySelector("dialog.fshandles-dialog[open]");
    if (!d) return null;
    const by = (attribute) => document.getElementById(d.getAttribute(attribute))?.textContent;
    const style = (el) => {
      const s = getComputedStyle(el);
      return { color: s.color, background: s.backgroundColor, radius: s.borderRadius };
    };
    return {
      kind: d.dataset.kind,
      name: by("aria-labelledby"),
      description: by("aria-describedby"),
      buttons: [...d.querySelectorAll("button")].map((b) => b.textContent),
      dialog: style(d),
      authorize: style(d.querySelector(".fshandles-authorize")),
    };
  },
  activeIsAuthorize: () => document.activeElement?.classList.contains("fshandles-authorize") ?? false,
});
globalThis.hostReady = true;
