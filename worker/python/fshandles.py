"""Mount a folder of the user's device in a PyScript worker (Pyodide or MicroPython).

The API of PyScript's ``pyscript.fs``::

    import fshandles

    await fshandles.mount("/local")             # prompts only the first time
    with open("/local/note.txt", "w") as f:
        f.write("hello")                        # in the folder once closed (direct mount)
    await fshandles.sync("/local")              # a copy mount: both ways, yours out, theirs in
    await fshandles.unmount("/local")
    await fshandles.revoke("/local")            # forget the folder: the next mount asks again
    await fshandles.kind("/local")              # "device", or "private" (no picker: Firefox)
    await fshandles.import_folder("/local")     # a folder of the device copied in
    await fshandles.export("/local/note.txt")   # a file out, as a download

built on fshandles' ``FsClient``: the page's ``FsHost`` shows the picker and prompts, remembers
the folder in IndexedDB (shared with PyScript's own records), and re-grants permission on the
stored folder instead of making the user pick it again. Calls block in sab mode (a cross-origin
isolated page) and are awaited in async mode; both work.

How a folder is mounted depends on the mode. In sab mode it is mounted **directly**: Python's
file functions work on the folder itself, through an I/O worker, at a cost that does not grow
with the folder; a file written is in the folder once closed (or ``os.fsync``'d). In async mode
the worker cannot block, so the mount is a **copy** kept in step with the folder by ``sync``.
``mounted[path].type`` says which (``"direct"`` or ``"copy"``).

On a page that calls ``usePyScript(hooks)`` (``dist/main/pyscript.js``) nothing more is needed.
Otherwise the worker needs the worker module and this file, through PyScript's config::

    [js_modules.worker]
    "/dist/worker/fshandles_worker.js" = "fshandles_worker"
    "/dist/worker/fshandles_mount.js" = "fshandles_mount"
    "/dist/worker/fshandles_direct.js" = "fshandles_direct"

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
    """The browser lacks the File System Access API (use Chrome or Edge, or give the page's host
    ``fallback: "private"``), or the page is in a cross-origin iframe."""


class NotGrantedError(_PermissionError):
    """The user cancelled, or refused access to the folder."""


class NoHostError(FsHandlesError):
    """No FsHost answered (``TimeoutError``), or the one there was let go of this worker
    (``DetachedError``): the page must ``host.attach(worker)``. ``.name`` says which."""


class SyncReport:
    """What a ``sync`` did, as lists of paths relative to the mount: ``read`` (brought in from
    the folder), ``written`` (written out to it), ``removed`` (removed from it, because Python
    removed them), and ``conflicts``: ``(path, kept)`` pairs for files changed on both sides
    since the last sync. There the folder's version keeps ``path`` and Python's is kept beside
    it as ``kept`` ("name (conflict N).ext"), on both sides."""

    def __init__(self, value):
        self.read = [str(p) for p in value.read]
        self.written = [str(p) for p in value.written]
        self.removed = [str(p) for p in value.removed]
        self.conflicts = [(str(c.path), str(c.kept)) for c in value.conflicts]

    def __repr__(self):
        return (
            f"SyncReport(read={self.read}, written={self.written}, "
            f"removed={self.removed}, conflicts={self.conflicts})"
        )


class ImportReport:
    """What an ``import_folder`` did, as lists of paths relative to the folder: ``written``
    (new there), ``same`` (there already, with the same bytes: left as it was), and
    ``renamed``: ``(path, kept_as)`` pairs for files whose name another file had, imported
    beside it as "name (imported N).ext". Nothing in the folder is overwritten."""

    def __init__(self, value):
        self.written = [str(p) for p in value.written]
        self.same = [str(p) for p in value.same]
        self.renamed = [(str(r[0]), str(r[1])) for r in value.renamed]

    def __repr__(self):
        return f"ImportReport(written={self.written}, same={self.same}, renamed={self.renamed})"


class _Mounted:
    """A mounted path: its ``id``, its ``mode``, its ``type`` (``"direct"``: Python works on the
    folder in place; ``"copy"``: a copy kept in step by ``sync``), and ``syncfs()`` (what
    PyScript's mounts have)."""

    def __init__(self, path, id, mode, type):
        self.path = path
        self.id = id
        self.mode = mode
        self.type = type

    async def syncfs(self):
        return await sync(self.path)


mounted = {}
"""Mounted paths, each with its mount (``.id``, ``.mode``, ``syncfs()``)."""

_client = None
_engine = None
_direct_engine = None
_warming = None

def _error(name, message):
    if name in ("NotSupportedError", "SecurityError"):
        return UnsupportedBrowserError(name, message)
    if name in ("TimeoutError", "DetachedError"):
        return NoHostError(name, message)
    if name == "NotAllowedError":
        return NotGrantedError(message)
    return FsHandlesError(name, message)


async def _outcome(outcome):
    """The value of an ``{ok, value}`` (plain, or a Promise of one); its ``{ok: false, name,
    message}`` raised. The JS calls answer so because they never throw across the FFI: a JS
    exception thrown into MicroPython ends the run."""
    if not hasattr(outcome, "ok"):
        outcome = await outcome
    if outcome.ok:
        return outcome.value
    raise _error(outcome.name, outcome.message)


async def _call(method, *args):
    """Calls a FsClient method through ``settle``: plainly in sab mode, as a Promise in async
    mode."""
    return await _outcome(_client.settle(method, *args))


def _wasm():
    """``{module_or_path}`` where ``usePyScript`` said where the wasm is (a bundled app may put
    it anywhere), else None: beside the worker module."""
    import js

    url = getattr(js, "fshandlesWasmUrl", None)
    return ffi.to_js({"module_or_path": url}) if url else None


async def _warm():
    """Starts the direct mount's I/O worker (a thread: 40–170 ms here) while the client's wasm
    loads, so that a first mount in sab mode does not wait for it."""
    try:
        await _outcome((await _direct()).start())
    except Exception:
        pass  # the mount that needs the I/O worker raises the same failure


async def _connect():
    global _client, _module, _warming
    if _client is None:
        import js

        if _warming is None and getattr(js, "crossOriginIsolated", False):
            import asyncio

            _warming = asyncio.create_task(_warm())
        if _module is None:
            import _fshandles_loader

            _module = await _fshandles_loader.load(js.fshandlesModuleUrl)
        wasm = _wasm()
        await (_module.default(wasm) if wasm else _module.default())
        _client = _module.FsClient.connect(ffi.to_js({"mode": "auto"}))
    return _client


async def _mounts():
    """The JS module that keeps mounted copies in step with their folders: from the worker's
    ``js_modules`` (``fshandles_mount``), or beside the worker module ``usePyScript`` named."""
    global _engine
    if _engine is None:
        try:
            from pyscript.js_modules import fshandles_mount as engine
        except Exception:
            import js

            if not getattr(js, "fshandlesMountUrl", None):
                raise FsHandlesError(
                    "NotSupportedError",
                    'fshandles_mount.js is missing: add "/dist/worker/fshandles_mount.js" = '
                    '"fshandles_mount" to the worker\'s js_modules, or use usePyScript(hooks)',
                )
            import _fshandles_loader

            engine = await _fshandles_loader.load(js.fshandlesMountUrl)
        _engine = engine
    return _engine


async def _direct():
    """The JS module of direct mounts: from the worker's ``js_modules`` (``fshandles_direct``),
    where ``usePyScript`` said it is, or beside ``fshandles_mount.js``."""
    global _direct_engine
    if _direct_engine is None:
        try:
            from pyscript.js_modules import fshandles_direct as engine
        except Exception:
            import js

            url = getattr(js, "fshandlesDirectUrl", None)
            if url:
                import _fshandles_loader

                engine = await _fshandles_loader.load(url)
            else:
                engine = await (await _mounts()).loadDirect()
        _direct_engine = engine
    return _direct_engine


async def _engine_of(path):
    """The JS module that keeps the mount at ``path``: both answer ``mount``, ``sync``,
    ``unmount`` and ``forget`` alike (a direct mount's sync reports nothing)."""
    return await (_direct() if mounted[path].type == "direct" else _mounts())


def _fs():
    return getattr(interpreter, "_module", interpreter).FS


def mode():
    """``"sab"`` or ``"async"`` once connected, else None."""
    return None if _client is None else _client.mode


async def _granted(handle, mode):
    query = getattr(handle, "queryPermission", None)
    if query is None:
        return True
    return (await handle.queryPermission(ffi.to_js({"mode": mode}))) == "granted"


async def mount(path, mode="readwrite", root="", id="pyscript", direct=None):
    """Mounts a folder of the user's device at ``path``.

    The first time, the page asks the user to pick one (``root`` hints where the picker opens:
    desktop, documents, downloads, music, pictures, videos); later the stored folder comes
    back with no prompt, or with a re-grant prompt if the browser dropped the permission.

    In sab mode (``direct=None``, or True) the folder is mounted in place: nothing is copied,
    what Python writes is in the folder once the file is closed or ``os.fsync``'d, and what
    others write there is seen at the next open or listdir. In async mode (or with
    ``direct=False``) the mount is a copy of the folder, kept in step with it by ``sync`` (both
    ways) and ``unmount``. With ``mode="read"`` it is read-only to Python (``OSError``,
    EACCES).
    Raises ValueError if ``path`` is mounted with another ``id``, NotGrantedError if the user
    says no, UnsupportedBrowserError where the File System Access API is missing (or, with
    ``direct=True``, where the page is not cross-origin isolated).
    """
    if path in mounted:
        if mounted[path].id != id:
            raise ValueError(
                f"Path '{path}' is already mounted with id '{mounted[path].id}'. "
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
    if direct is None:
        direct = _client.mode == "sab"
    engine = await (_direct() if direct else _mounts())
    await _outcome(engine.mount(_fs(), path, handle, mode == "read"))
    mounted[path] = _Mounted(path, id, mode, "direct" if direct else "copy")


async def kind(path, id=None):
    """Where the folder stored for ``path`` is: ``"device"``, a folder of the user's device
    (picked), or ``"private"``, a folder of the browser's origin-private file system (the
    page's ``fallback: "private"``, where the browser has no folder picker). A private folder is
    kept by the browser for this site, and is cleared with the site's data. ``id`` is the
    mount's, else ``"pyscript"``."""
    if id is None:
        id = mounted[path].id if path in mounted else "pyscript"
    await _connect()
    return str(await _call("kind", f"{path}@{id}"))


def _page(method):
    """The page's main-thread method ``method`` for this worker (``usePyScript`` gives them)."""
    from pyscript.context import sync

    found = getattr(sync, method, None)
    if found is None:
        raise FsHandlesError(
            "NotSupportedError",
            f"the page gives its workers no {method}: usePyScript(hooks) does, or "
            "Object.assign(xworker.sync, fileMethods(host, options)) from fshandles_files.js",
        )
    return found


async def import_folder(path, id=None):
    """Copies a folder of the user's device, which they choose in the browser's file dialog,
    into the folder stored for ``path`` (mounted or not): where the browser has no folder
    picker, the way to bring their files into a ``"private"`` folder (see ``kind``). Nothing
    there is overwritten (see ``ImportReport``). The page asks for the click the file dialog
    needs. A copy mount of ``path`` is synced afterwards, so that Python sees the files.
    Returns the ``ImportReport``, or None when the user cancels."""
    if id is None:
        id = mounted[path].id if path in mounted else "pyscript"
    value = await _outcome(_page("fshandlesImport")(f"{path}@{id}"))
    if getattr(value, "written", None) is None:
        return None
    if path in mounted and mounted[path].type == "copy":
        await sync(path)
    return ImportReport(value)


async def export(path):
    """Offers the file at ``path``, in a mounted folder, to the user as a download under its
    own name: the way to take a file out of a ``"private"`` folder. The mount is synced first
    (a copy mount's changes go out; a direct mount's open files are written), so that the
    download is what Python wrote. Returns the file's name."""
    inside = [m for m in mounted if path.startswith(m.rstrip("/") + "/")]
    if not inside:
        raise KeyError(f"'{path}' is in no mounted folder. Use mount() first.")
    mount = max(inside, key=len)
    await sync(mount)
    relative = path[len(mount.rstrip("/")) + 1 :]
    key = f"{mount}@{mounted[mount].id}"
    return str((await _outcome(_page("fshandlesExport")(key, relative))).name)


async def regrant(path, mode="readwrite", id="pyscript"):
    """Asks again for access to the folder stored for ``path`` (no new picker unless the user
    refuses). Returns whether access is granted. Not in PyScript's API: an fshandles extra."""
    await _connect()
    return bool(await _call("getFSHandler", f"{path}@{id}", ffi.to_js({"id": id, "mode": mode})))


def _report(value):
    report = SyncReport(value)
    if report.conflicts:
        import sys

        for path, kept in report.conflicts:
            print(
                f"fshandles: {path} changed in the folder and here; the folder's version "
                f"kept the name, this one is {kept}",
                file=sys.stderr,
            )
    return report


async def sync(path):
    """Brings the folder and the mount at ``path`` in step, and returns a ``SyncReport``.

    A direct mount has nothing to reconcile: the sync writes out what files still open there
    hold (as ``os.fsync``) and reports nothing. A copy mount syncs both ways:

    What changed in the folder since the last sync (new, changed, removed files and folders)
    comes in; what Python changed goes out; only what Python removed is removed from the
    folder. A file changed on both sides loses neither version: the folder's keeps the name,
    Python's is kept beside it as "name (conflict N).ext", reported in ``conflicts`` (and on
    stderr). A ``mode="read"`` mount only brings changes in. Raises ``NotGrantedError`` when
    permission is gone, ``FsHandlesError`` (with the JS error's ``name``) for other failures.
    """
    if path not in mounted:
        raise KeyError(f"Path '{path}' is not mounted. Use mount() first.")
    return _report(await _outcome((await _engine_of(path)).sync(path)))


async def unmount(path):
    """Syncs (as ``sync``) and unmounts ``path``, returning the ``SyncReport``; it can be
    mounted again afterwards. A sync that fails raises, and leaves ``path`` mounted."""
    if path not in mounted:
        raise KeyError(f"Path '{path}' is not mounted. Cannot unmount.")
    report = _report(await _outcome((await _engine_of(path)).unmount(path)))
    del mounted[path]
    return report


async def revoke(path, id="pyscript"):
    """Forgets the folder stored for ``path`` and ``id``: the next mount asks the user again.

    Unmounts ``path`` if this session mounted it with that ``id``. Returns whether a folder was
    stored.
    """
    await _connect()
    existed = bool(await _call("deleteFSHandler", f"{path}@{id}", None))
    if path in mounted and mounted[path].id == id:
        await _outcome((await _engine_of(path)).forget(path))
        del mounted[path]
    return existed
