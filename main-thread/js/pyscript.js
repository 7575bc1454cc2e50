// usePyScript(hooks, options?): everything a PyScript page needs for fshandles, in one call.
//
// Call it synchronously right after importing PyScript's `hooks` (before any await: PyScript may
// create a worker at any moment after that). Every PyScript worker created afterwards is
// attached to one FsHost; PyScript's own `pyscript.fs` goes through that host; and
// `import fshandles` works in those workers with no `js_modules` or `files` config: each worker
// gets the fshandles package written next to its code, and loads fshandles' worker module from
// beside this file when it first connects.
//
// A worker may ask before the host's wasm has loaded (a slow network): its requests are held
// here from the moment PyScript creates it, its client is told a host is coming, and the host
// serves them once it exists, however long that takes.
import init, { FsHost } from "./fshandles_main.js";

// Each file a worker needs, by a URL a bundler sees and rewrites (`new URL(literal,
// import.meta.url)`): a bundler copies the worker's module as a plain file under a name of its
// own, so the module cannot find its wasm beside itself; it is told where it is.
const MODULE = new URL("../worker/fshandles_worker.js", import.meta.url).href;
const WASM = new URL("../worker/fshandles_worker_bg.wasm", import.meta.url).href;
const COPY = new URL("../worker/fshandles_copy.js", import.meta.url).href;
const DIRECT = new URL("../worker/fshandles_direct.js", import.meta.url).href;
const WATCH = new URL("../worker/fshandles_watch.js", import.meta.url).href;
const FILE = new URL("../worker/fshandles_file.js", import.meta.url).href;
// The Python package, file by file: its path in the worker, and where it is served.
const PYTHON = {
  "fshandles/__init__.py": new URL("../worker/fshandles/__init__.py", import.meta.url).href,
  "fshandles/_connection.py": new URL("../worker/fshandles/_connection.py", import.meta.url).href,
  "fshandles/_errors.py": new URL("../worker/fshandles/_errors.py", import.meta.url).href,
  "fshandles/_files.py": new URL("../worker/fshandles/_files.py", import.meta.url).href,
  "fshandles/_lock.py": new URL("../worker/fshandles/_lock.py", import.meta.url).href,
  "fshandles/_pyscript_fs.py": new URL("../worker/fshandles/_pyscript_fs.py", import.meta.url).href,
  "fshandles/_reports.py": new URL("../worker/fshandles/_reports.py", import.meta.url).href,
  "fshandles/_watch.py": new URL("../worker/fshandles/_watch.py", import.meta.url).href,
};

// The protocol's words for "a host is coming" (shared/src/frame/mod.rs, shared/src/protocol.rs;
// shared/tests/page_constants.rs checks these against them).
// A sync client's buffer: word LINK = LINK_HELD says a host has it, so its client waits for
// the answer however long it takes, instead of failing for want of a host.
const LINK = 3;
const LINK_UNKNOWN = 0;
const LINK_HELD = 1;
// An async client: an Ack to call 0 ("a host has your calls") ends its wait for a first
// contact; a Detached to call 0 ends its calls (the host could not be made).
const HOST_COMING = [70, 83, 72, 1, 2, 0, 1];
const HOST_GONE = [70, 83, 72, 1, 2, 0, 4];

// Runs in each worker (PyScript stringifies hooks: nothing from this module is in scope there,
// and a bundler must not rewrite its import() into its own loader, which the worker lacks).
function registerLoader({ interpreter }) {
  const load = (url) => import(/* webpackIgnore: true */ /* @vite-ignore */ url);
  interpreter.registerJsModule("_fshandles_loader", {
    load,
    // Starts the direct mount's I/O worker (a thread: tens of milliseconds) while the
    // worker's code begins, so that its first mount does not wait for it; a failure is the
    // first mount's to report.
    warm: (url) => void load(url).then((direct) => direct.start(), () => {}),
  });
}

// Python run in each worker before its code: the fshandles package into the working directory
// (a worker may fetch synchronously), and where it finds its JS modules and wasm; with
// `takeFs`, PyScript's own `pyscript.fs` made fshandles' (fshandles/_pyscript_fs.py).
const install = (takeFs) => `
def _fshandles_install():
    import js
    js.fshandlesModuleUrl = ${JSON.stringify(MODULE)}
    js.fshandlesWasmUrl = ${JSON.stringify(WASM)}
    js.fshandlesCopyUrl = ${JSON.stringify(COPY)}
    js.fshandlesDirectUrl = ${JSON.stringify(DIRECT)}
    js.fshandlesWatchUrl = ${JSON.stringify(WATCH)}
    js.fshandlesFileUrl = ${JSON.stringify(FILE)}
    if getattr(js, "crossOriginIsolated", False):
        import _fshandles_loader
        _fshandles_loader.warm(js.fshandlesDirectUrl)
    import os
    try:
        os.mkdir("fshandles")
    except OSError:
        pass  # there already
    for path, url in ${JSON.stringify(Object.entries(PYTHON))}:
        request = js.XMLHttpRequest.new()
        request.open("GET", url, False)
        request.send()
        if request.status == 200:
            with open(path, "w") as f:
                f.write(request.responseText)
    if ${takeFs ? "True" : "False"}:
        try:
            from fshandles._pyscript_fs import take_over
            take_over()
        except Exception as e:
            js.console.warn("fshandles: pyscript.fs stays PyScript's own:", repr(e))
_fshandles_install()
del _fshandles_install
`;

const ours = (data) => data?.fshandles instanceof Uint8Array;
// A page that is not cross-origin isolated has no SharedArrayBuffer (and its clients no buffer).
const buffer = ({ sab }) =>
  globalThis.SharedArrayBuffer && sab instanceof SharedArrayBuffer && sab.byteLength >= 16 ? sab : null;
const tell = (port, bytes) => port instanceof MessagePort && port.postMessage({ fshandles: new Uint8Array(bytes) });

// Keeps the fshandles messages `xworker` posts until `release(host)` hands them to `host`
// (attached first), telling each client meanwhile that a host is coming. `release(null)`
// tells them none will.
function hold(xworker) {
  const held = [];
  const keep = ({ data }) => {
    if (!ours(data)) return;
    held.push(data);
    const sab = buffer(data);
    if (sab) Atomics.store(new Int32Array(sab), LINK, LINK_HELD);
    else tell(data.port, HOST_COMING);
  };
  xworker.addEventListener("message", keep);
  return (host) => {
    xworker.removeEventListener("message", keep);
    if (host) {
      // The host, attached by now, hears the held messages as if they came now (listeners
      // that are not fshandles' ignore its messages, as they did the first time).
      for (const data of held) xworker.dispatchEvent(new MessageEvent("message", { data }));
      return;
    }
    for (const data of held) {
      const sab = buffer(data);
      if (!sab) tell(data.port, HOST_GONE);
      else if (Atomics.compareExchange(new Int32Array(sab), LINK, LINK_HELD, LINK_UNKNOWN) === LINK_HELD) {
        Atomics.notify(new Int32Array(sab), 0); // its wait ends, and finds no host
      }
    }
  };
}

const SYNC_METHODS = ["storeFSHandler", "getFSHandler", "deleteFSHandler"];
// fshandles_files.js's `fileMethods`.
const FILE_METHODS = ["fshandlesImport", "fshandlesExport", "fshandlesOpenFile", "fshandlesSaveFile", "fshandlesOfferSaved", "fshandlesDropped", "fshandlesTakeDrop"];

let fileModule = null;

// `call` of the methods of `fshandles_files.js` for the host `ready` gives; like them, a settled
// outcome, never a rejection (a literal relative specifier: bundlers see it and ship the file).
function fileCall(ready, options, call) {
  fileModule ??= import("./fshandles_files.js");
  return Promise.all([fileModule, ready]).then(
    ([m, host]) => call(m.fileMethods(host, options)),
    (e) => ({ ok: false, name: "NotSupportedError", message: `fshandles_files.js (beside pyscript.js) did not load, or the host did not start: ${e?.message}` }),
  );
}

/**
 * @param {typeof import("@pyscript/core").hooks} hooks PyScript's hooks
 * @param {import("./fshandles_main.js").HostOptions & {pyscriptFs?: boolean}} [options] passed
 *   to `new FsHost(options)`; `pyscriptFs: false` leaves PyScript's own `pyscript.fs` mount
 * @returns {Promise<FsHost>} the host, once its wasm is loaded
 */
export function usePyScript(hooks, options) {
  let host = null;
  const waiting = [];
  const ready = init().then(
    () => {
      host = new FsHost(options);
      waiting.splice(0).forEach((serve) => serve(host));
      return host;
    },
    (error) => {
      waiting.splice(0).forEach((serve) => serve(null));
      throw error;
    },
  );
  hooks.main.onWorker.add((wrap, xworker) => {
    // PyScript's own pyscript.fs calls these on the page; until the host exists they wait for it.
    let methods = null;
    const serve = (host) => {
      host.attach(xworker);
      methods = host.syncMethods();
      Object.assign(xworker.sync, methods);
    };
    // fshandles.import_folder, export, open_file, save_file, dropped: their module loads at
    // the first use.
    for (const name of FILE_METHODS) {
      xworker.sync[name] = (...args) => fileCall(ready, options, (m) => m[name](...args));
    }
    if (host) return serve(host);
    const release = hold(xworker);
    for (const name of SYNC_METHODS) {
      xworker.sync[name] = (...args) => ready.then(() => methods[name](...args));
    }
    waiting.push((host) => {
      if (host) serve(host);
      release(host);
    });
  });
  // A worker's code runs sync or async: the hooks of both.
  hooks.worker.onBeforeRun.add(registerLoader);
  hooks.worker.onBeforeRunAsync.add(registerLoader);
  const code = install(options?.pyscriptFs !== false);
  hooks.worker.codeBeforeRun.add(code);
  hooks.worker.codeBeforeRunAsync.add(code);
  return ready;
}
