"""Mount a folder of the user's device in a PyScript worker (Pyodide or MicroPython).

The API of PyScript's ``pyscript.fs``::

    import fshandles

    await fshandles.mount("/local")             # prompts only the first time
    with open("/local/note.txt", "w") as f:
        f.write("hello")
    await fshandles.sync("/local")              # write it through to the real folder
    await fshandles.unmount("/local")
    await fshandles.revoke("/local")            # forget the folder: the next mount asks again

built on fshandles' ``FsClient``: the page's ``FsHost`` shows the picker and prompts, remembers
the folder in IndexedDB (shared with PyScript's own records), and re-grants permission on the
stored folder instead of making the user pick it again. Calls block in sync mode (a cross-origin
isolated page) and are awaited in async mode; both work.

On a page that calls ``usePyScript(hooks)`` (``dist/main/pyscript.js``) nothing more is needed.
Otherwise the worker needs the worker module and this file, through PyScript's config::

    [js_modules.worker]
    "/dist/worker/fshandles_worker.js" = "fshandles_worker"

    [files]
    "/dist/worker/fshandles.py" = "./fshandles.py"
"""

from pyscript import ffi

try:
    from pyscript.js_modules import fshandles_worker as _module
except Exception:  # no js_modules entry: usePyScript() says where the module is (_connect)
    _module = None

try:
    from _pyscript import interpreter
except ImportError:  # a bare polyscript worker: Pyodide's own API mounts too
    import pyodide_js as interpreter

try:
    _PermissionError = PermissionError
except NameError:  # MicroPython has no PermissionError
    _PermissionError = OSError


class FsHandlesError(Exception):
    """A failure reported by fshandles, with the JS error's ``name``."""

    def __init__(self, name, message):
        super().__init__(message)
        self.name = name


class UnsupportedBrowserError(FsHandlesError):
    """The browser lacks the File System Access API (use Chrome or Edge), or the page is in a
    cross-origin iframe."""


class NotGrantedError(_PermissionError):
    """The user cancelled, or refused access to the folder."""


class NoHostError(FsHandlesError):
    """No FsHost answered (``TimeoutError``), or the one there was let go of this worker
    (``DetachedError``): the page must ``host.attach(worker)``. ``.name`` says which."""


mounted = {}
"""Mounted paths, each with its mounted filesystem (``syncfs()``)."""

_ids = {}
_client = None

def _error(name, message):
    if name in ("NotSupportedError", "SecurityError"):
        return UnsupportedBrowserError(name, message)
    if name in ("TimeoutError", "DetachedError"):
        return NoHostError(name, message)
    if name == "NotAllowedError":
        return NotGrantedError(message)
    return FsHandlesError(name, message)


async def _call(method, *args):
    """Calls a FsClient method through ``settle``, which never throws across the FFI (a JS
    exception thrown into MicroPython ends the run): ``{ok, value}`` or ``{ok, name, message}``,
    plainly in sync mode, as a Promise in async mode."""
    outcome = _client.settle(method, *args)
    if not hasattr(outcome, "ok"):
        outcome = await outcome
    if outcome.ok:
        return outcome.value
    raise _error(outcome.name, outcome.message)


async def _connect():
    global _client, _module
    if _client is None:
        if _module is None:
            import js
            import _fshandles_loader

            _module = await _fshandles_loader.load(js.fshandlesModuleUrl)
        await _module.default()
        _client = _module.FsClient.connect(ffi.to_js({"mode": "auto"}))
    return _client


def mode():
    """``"sab"`` or ``"async"`` once connected, else None."""
    return None if _client is None else _client.mode


async def _granted(handle, mode):
    query = getattr(handle, "queryPermission", None)
    if query is None:
        return True
    return (await handle.queryPermission(ffi.to_js({"mode": mode}))) == "granted"


async def mount(path, mode="readwrite", root="", id="pyscript"):
    """Mounts a folder of the user's device at ``path``.

    The first time, the page asks the user to pick one (``root`` hints where the picker opens:
    desktop, documents, downloads, music, pictures, videos); later the stored folder comes
    back with no prompt, or with a re-grant prompt if the browser dropped the permission.
    Raises ValueError if ``path`` is mounted with another ``id``, NotGrantedError if the user
    says no, UnsupportedBrowserError where the File System Access API is missing.
    """
    if path in mounted:
        if _ids[path] != id:
            raise ValueError(
                f"Path '{path}' is already mounted with id '{_ids[path]}'. "
                "Unmount it first or use a different path."
            )
        return
    key = f"{path}@{id}"
    options = {"id": id, "mode": mode}
    if root:
        options["startIn"] = root
    await _connect()
    js_options = ffi.to_js(options)
    if not await _call("storeFSHandler", key, js_options):
        raise NotGrantedError(f"access to a folder for '{path}' was not granted")
    handle = await _call("handle", key, None)
    if not await _granted(handle, mode):
        # The browser dropped the permission: re-grant it on the stored folder, never re-pick.
        if not await _call("getFSHandler", key, js_options):
            raise NotGrantedError(f"access to the folder for '{path}' was not granted again")
        handle = await _call("handle", key, None)
    mounted[path] = await interpreter.mountNativeFS(path, handle)
    _ids[path] = id


async def regrant(path, mode="readwrite", id="pyscript"):
    """Asks again for access to the folder stored for ``path`` (no new picker unless the user
    refuses). Returns whether access is granted. Not in PyScript's API: an fshandles extra."""
    await _connect()
    return bool(await _call("getFSHandler", f"{path}@{id}", ffi.to_js({"id": id, "mode": mode})))


async def sync(path):
    """Writes changes under ``path`` through to the real folder (and reads its changes)."""
    if path not in mounted:
        raise KeyError(f"Path '{path}' is not mounted. Use mount() first.")
    await mounted[path].syncfs()


def _unmount(path):
    fs = getattr(interpreter, "_module", interpreter).FS
    fs.unmount(path)
    del mounted[path]
    del _ids[path]


async def unmount(path):
    """Syncs and unmounts ``path``; it can be mounted again afterwards."""
    if path not in mounted:
        raise KeyError(f"Path '{path}' is not mounted. Cannot unmount.")
    await sync(path)
    _unmount(path)


async def revoke(path, id="pyscript"):
    """Forgets the folder stored for ``path`` and ``id``: the next mount asks the user again.

    Unmounts ``path`` if this session mounted it with that ``id``. Returns whether a folder was
    stored.
    """
    await _connect()
    existed = bool(await _call("deleteFSHandler", f"{path}@{id}", None))
    if path in mounted and _ids[path] == id:
        _unmount(path)
    return existed
