# A PyWorker's code on a usePyScript page (tests/browser/pyscript.test.mjs): no config at all.
import js
from pyscript import ffi
import fshandles

await fshandles.mount("/local")
js.postMessage(ffi.to_js({"pytest": {"step": "pyworker", "mode": fshandles.mode(), "mounted": "/local" in fshandles.mounted}}))
