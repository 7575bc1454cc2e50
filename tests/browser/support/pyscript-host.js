// A PyScript page (@pyscript/core, Pyodide and MicroPython from npm, offline) whose workers
// are served by a real FsHost. `runPy` starts a `<script type="py|mpy" worker>`; Python reports
// back with js.postMessage({pytest: ...}).
import { picker } from "/tests/browser/support/standin.js";
import init, { FsHost } from "/dist/main/fshandles_main.js";
import { hooks } from "/node_modules/@pyscript/core/dist/core.js";
import { fileMethods } from "/dist/main/fshandles_files.js";

await init();
const params = new URLSearchParams(location.search);
const options = {};
// `?ttl=MS`: how long the host trusts a permission it checked (a test that revokes one).
if (params.has("ttl")) options.permissionTtlMs = Number(params.get("ttl"));
// `?fallback`: origin-private folders where the browser has no picker (Firefox).
if (params.has("fallback")) options.fallback = "private";
const host = new FsHost(options);
const reports = [];
const workers = [];

// `?own`: a page that leaves its workers to PyScript's own pyscript.fs, as a page without
// fshandles would (its host still runs, attached to nothing).
const own = params.has("own");

hooks.main.onWorker.add((wrap, xworker) => {
  workers.push(xworker);
  if (!own) {
    host.attach(xworker);
    // PyScript's own pyscript.fs then goes through this host too; fshandles.import_folder and
    // fshandles.export go through fileMethods.
    Object.assign(xworker.sync, host.syncMethods(), fileMethods(host, options));
  }
  xworker.addEventListener("message", ({ data }) => {
    if (data?.pytest) reports.push(data.pytest);
  });
});

// The fshandles package, file by file, as a page without usePyScript lists it.
const PYTHON_FILES = Object.fromEntries(
  ["__init__", "_connection", "_errors", "_files", "_lock", "_reports", "_watch"].map((m) => [`/dist/worker/fshandles/${m}.py`, `./fshandles/${m}.py`]),
);

const INTERPRETERS = {
  py: "/node_modules/pyodide/pyodide.mjs",
  mpy: "/node_modules/@micropython/micropython-webassembly-pyscript/micropython.mjs",
};

let count = 0;
function runPy({ type = "py", code }) {
  const script = document.createElement("script");
  script.type = type;
  script.setAttribute("worker", "");
  script.id = `py-${++count}`;
  script.setAttribute(
    "config",
    JSON.stringify({
      interpreter: INTERPRETERS[type],
      js_modules: {
        worker: {
          "/dist/worker/fshandles_worker.js": "fshandles_worker",
          "/dist/worker/fshandles_copy.js": "fshandles_copy",
        },
      },
      files: PYTHON_FILES,
    }),
  );
  script.textContent = code;
  document.body.append(script);
  return script.id;
}

async function readFile(folder, name) {
  const root = await navigator.storage.getDirectory();
  const dir = await root.getDirectoryHandle(folder);
  return (await (await dir.getFileHandle(name)).getFile()).text();
}

// What another program does to a folder, through its own handle: `path` is "a/b.txt" under
// the origin-private folder `folder`, its folders made as needed.
async function dirOf(folder, path, create = true) {
  let dir = await (await navigator.storage.getDirectory()).getDirectoryHandle(folder, { create });
  const parts = path.split("/");
  for (const part of parts.slice(0, -1)) dir = await dir.getDirectoryHandle(part, { create });
  return [dir, parts.at(-1)];
}

async function write(folder, path, text) {
  const [dir, name] = await dirOf(folder, path);
  const w = await (await dir.getFileHandle(name, { create: true })).createWritable();
  await w.write(text);
  await w.close();
}

// Appends `text` to `path` with the page's own File System Access calls, as a program of the
// page would: under the Web Lock `lock` when given (the name fshandles' commits take).
async function append(folder, path, text, lock) {
  const run = async () => {
    const [dir, name] = await dirOf(folder, path);
    const h = await dir.getFileHandle(name, { create: true });
    const size = (await h.getFile()).size;
    const w = await h.createWritable({ keepExistingData: true });
    await w.write({ type: "write", position: size, data: text });
    await w.close();
  };
  return lock ? navigator.locks.request(lock, run) : run();
}

async function remove(folder, path) {
  const [dir, name] = await dirOf(folder, path, false);
  await dir.removeEntry(name, { recursive: true });
}

// `n` files "f0000.txt"… under `folder`/`sub`, each holding its own name.
async function fill(folder, sub, n) {
  const [dir] = await dirOf(folder, `${sub}/x`);
  await Promise.all(Array.from({ length: n }, async (_, i) => {
    const name = `f${String(i).padStart(4, "0")}.txt`;
    const w = await (await dir.getFileHandle(name, { create: true })).createWritable();
    await w.write(name);
    await w.close();
  }));
}

// Everything under `folder`: {"a/b.txt": "its text", "a": "(folder)"}; `stamps` gives each
// file's lastModified instead of its text.
async function tree(folder, stamps = false) {
  const out = {};
  const walk = async (dir, rel) => {
    for await (const [name, h] of dir.entries()) {
      const path = rel ? `${rel}/${name}` : name;
      if (h.kind === "directory") {
        out[path] = "(folder)";
        await walk(h, path);
      } else {
        const file = await h.getFile();
        out[path] = stamps ? file.lastModified : await file.text();
      }
    }
  };
  await walk(await (await navigator.storage.getDirectory()).getDirectoryHandle(folder), "");
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => (a < b ? -1 : 1)));
}

// The raw IndexedDB record of `uid` (PyScript's layout), or null.
function idbRecord(uid) {
  return new Promise((resolve, reject) => {
    const open = indexedDB.open("IDBMap/@pyscript.fs");
    open.onupgradeneeded = () => open.result.createObjectStore("entries");
    open.onerror = () => reject(open.error);
    open.onsuccess = () => {
      const req = open.result.transaction("entries").objectStore("entries").get(uid);
      req.onsuccess = () => {
        open.result.close();
        resolve(req.result === undefined ? null : { handler: req.result.handler?.name ?? null });
      };
      req.onerror = () => reject(req.error);
    };
  });
}

Object.assign(globalThis, { host, picker, reports, workers, runPy, readFile, idbRecord, write, append, remove, fill, tree,
  // Tells the Python that waits on BroadcastChannel `name` to go on.
  go: (name) => new BroadcastChannel(name).postMessage(1),
  dialogOpen: () => document.querySelectorAll("dialog.fshandles-dialog").length });
globalThis.hostReady = true;
