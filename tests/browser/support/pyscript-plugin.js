// A PyScript page that uses fshandles through usePyScript(hooks) alone: its workers get no
// js_modules or files config. `runPy` starts a `<script type="py|mpy" worker>`; Python reports
// back with js.postMessage({pytest: ...}).
import { hooks, PyWorker, MPWorker } from "/node_modules/@pyscript/core/dist/core.js";
import { usePyScript } from "/dist/main/pyscript.js";
import { picker } from "/tests/browser/support/standin.js";

const ready = usePyScript(hooks, { pyscriptFs: new URLSearchParams(location.search).get("pyscriptFs") !== "false" }); // right after the hooks' import, before any await
const reports = [];
hooks.main.onWorker.add((wrap, xworker) => {
  xworker.addEventListener("message", ({ data }) => data?.pytest && reports.push(data.pytest));
});

const INTERPRETERS = {
  py: "/node_modules/pyodide/pyodide.mjs",
  mpy: "/node_modules/@micropython/micropython-webassembly-pyscript/micropython.mjs",
};

function runPy({ type = "py", code }) {
  const script = document.createElement("script");
  script.type = type;
  script.setAttribute("worker", "");
  script.setAttribute("config", JSON.stringify({ interpreter: INTERPRETERS[type] }));
  script.textContent = code;
  document.body.append(script);
}

async function readFile(folder, name) {
  const root = await navigator.storage.getDirectory();
  const dir = await root.getDirectoryHandle(folder);
  return (await (await dir.getFileHandle(name)).getFile()).text();
}

// A PyWorker or MPWorker (PyScript's JS API) running tests/browser/pages/plugin-worker.py. Its
// blob worker has no base URL: every URL it is given is absolute. PyScript 0.7.31's factory
// means to wait for the type's plugins but awaits the function instead of its promise
// (core.js: `await configs.get(TYPE).plugins`), so a worker made before they load gets no
// hooks, not even PyScript's own `pyscript` module (seen once in five runs). The type's custom
// element is defined right after its hooks are set: wait for that.
const absolute = (path) => new URL(path, location.href).href;
const pyWorker = async (type) => {
  await customElements.whenDefined(`${type}-script`);
  void (type === "mpy" ? MPWorker : PyWorker)(absolute("/tests/browser/pages/plugin-worker.py"), {
    async: true, // its code awaits
    version: absolute(INTERPRETERS[type]), // the interpreter to load (a PyWorker reads no config for it)
    config: { interpreter: absolute(INTERPRETERS[type]) },
  });
};

// Everything but the host is there before the host's wasm has loaded: a test may start a
// worker that early. The page keeps no reference to the host (usePyScript's hooks do).
Object.assign(globalThis, { picker, reports, runPy, pyWorker, readFile,
  dialogOpen: () => document.querySelectorAll("dialog.fshandles-dialog").length });
globalThis.pageReady = true;
// `?drops=<id>`: the page takes drops for `id` on a zone at its top left (300 px square).
const dropsFor = new URLSearchParams(location.search).get("drops");
const takingDrops = dropsFor && ready.then(async (host) => {
  const zone = Object.assign(document.createElement("div"), { id: "drops" });
  zone.style = "position: fixed; left: 0; top: 0; width: 300px; height: 300px";
  document.body.append(zone);
  const { acceptDrops } = await import("/dist/main/fshandles_files.js");
  acceptDrops(host, zone, { id: dropsFor });
});
Promise.all([ready, takingDrops]).then(() => {
  globalThis.hostReadyAt = Date.now();
  globalThis.hostReady = true;
});
