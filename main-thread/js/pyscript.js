// usePyScript(hooks, options?): everything a PyScript page needs for fshandles, in one call.
//
// Call it synchronously right after importing PyScript's `hooks` (before any await: PyScript may
// create a worker at any moment after that). Every PyScript worker created afterwards is
// attached to one FsHost; PyScript's own `pyscript.fs` goes through that host; and
// `import fshandles` works in those workers with no `js_modules` or `files` config: each worker
// gets fshandles.py written next to its code, and loads fshandles' worker module from beside
// this file when it first connects.
import init, { FsHost } from "./fshandles_main.js";

const MODULE = new URL("../worker/fshandles_worker.js", import.meta.url).href;
const PYTHON = new URL("../worker/fshandles.py", import.meta.url).href;

// Runs in each worker (PyScript stringifies hooks: nothing from this module is in scope there).
function registerLoader({ interpreter }) {
  interpreter.registerJsModule("_fshandles_loader", { load: (url) => import(url) });
}

// Python run in each worker before its code: fshandles.py into the working directory (a
// worker may fetch synchronously), and where fshandles.py finds its JS module.
const install = `
def _fshandles_install():
    import js
    js.fshandlesModuleUrl = ${JSON.stringify(MODULE)}
    request = js.XMLHttpRequest.new()
    request.open("GET", ${JSON.stringify(PYTHON)}, False)
    request.send()
    if request.status == 200:
        with open("fshandles.py", "w") as f:
            f.write(request.responseText)
_fshandles_install()
del _fshandles_install
`;

/**
 * @param {typeof import("@pyscript/core").hooks} hooks PyScript's hooks
 * @param {import("./fshandles_main.js").HostOptions} [options] passed to `new FsHost(options)`
 * @returns {Promise<FsHost>} the host, once its wasm is loaded
 */
export function usePyScript(hooks, options) {
  let host = null;
  const early = [];
  const connect = (xworker) => {
    host.attach(xworker);
    Object.assign(xworker.sync, host.syncMethods());
  };
  hooks.main.onWorker.add((wrap, xworker) => (host ? connect(xworker) : early.push(xworker)));
  // A worker's code runs sync or async: the hooks of both.
  hooks.worker.onBeforeRun.add(registerLoader);
  hooks.worker.onBeforeRunAsync.add(registerLoader);
  hooks.worker.codeBeforeRun.add(install);
  hooks.worker.codeBeforeRunAsync.add(install);
  return init().then(() => {
    host = new FsHost(options);
    early.splice(0).forEach(connect);
    return host;
  });
}
