// A PyScript page (@pyscript/core, Pyodide and MicroPython from npm, offline) whose workers
// are served by a real FsHost. `runPy` starts a `<script type="py|mpy" worker>`; Python reports
// back with js.postMessage({pytest: ...}).
import { picker } from "/tests/browser/support/standin.js";
import init, { FsHost } from "/dist/main/fshandles_main.js";
import { hooks } from "/node_modules/@pyscript/core/dist/core.js";

await init();
const host = new FsHost();
const reports = [];
const workers = [];

hooks.main.onWorker.add((wrap, xworker) => {
  workers.push(xworker);
  host.attach(xworker);
  // PyScript's own pyscript.fs then goes through this host too.
  Object.assign(xworker.sync, host.syncMethods());
  xworker.addEventListener("message", ({ data }) => {
    if (data?.pytest) reports.push(data.pytest);
  });
});

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
      js_modules: { worker: { "/dist/worker/fshandles_worker.js": "fshandles_worker" } },
      files: { "/dist/worker/fshandles.py": "./fshandles.py" },
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

Object.assign(globalThis, { host, picker, reports, workers, runPy, readFile,
  dialogOpen: () => document.querySelectorAll("dialog.fshandles-dialog").length });
globalThis.hostReady = true;
