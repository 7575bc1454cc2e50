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
    await fshandles.open_file("/in/data.csv")   # one file the user opens: its name
    await fshandles.save_file("/out/report.txt")    # saved where the user says ("saved")
    await fshandles.dropped()                   # what the user drops on the page next
    async with fshandles.lock("notes"):         # one lock for every worker and tab
        ...
    async for changes in fshandles.awatch("/local"):    # {(Change.modified, "/local/a.txt")}
        ...

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
Otherwise the worker needs the worker module, the two mount engines and this package, through
PyScript's config::

    [js_modules.worker]
    "/dist/worker/fshandles_worker.js" = "fshandles_worker"
    "/dist/worker/fshandles_copy.js" = "fshandles_copy"
    "/dist/worker/fshandles_direct.js" = "fshandles_direct"
    "/dist/worker/fshandles_watch.js" = "fshandles_watch"
    "/dist/worker/fshandles_file.js" = "fshandles_file"

    [files]
    "/dist/worker/fshandles/__init__.py" = "./fshandles/__init__.py"
    "/dist/worker/fshandles/_connection.py" = "./fshandles/_connection.py"
    "/dist/worker/fshandles/_errors.py" = "./fshandles/_errors.py"
    "/dist/worker/fshandles/_files.py" = "./fshandles/_files.py"
    "/dist/worker/fshandles/_lock.py" = "./fshandles/_lock.py"
    "/dist/worker/fshandles/_pyscript_fs.py" = "./fshandles/_pyscript_fs.py"
    "/dist/worker/fshandles/_reports.py" = "./fshandles/_reports.py"
    "/dist/worker/fshandles/_watch.py" = "./fshandles/_watch.py"
"""

from pyscript import ffi

from ._errors import FsHandlesError, NoHostError, NotGrantedError, UnsupportedBrowserError
from ._errors import _outcome
from ._reports import ImportReport, SyncReport, _report
from ._files import Dropped
from ._lock import lock
from ._watch import Change, awatch, watching
from . import _connection, _files

try:
    from _pyscript import interpreter
except ImportError:  # a bare polyscript worker: Pyodide's own API mounts too
    import pyodide_js as interpreter


class _Mounted:
    """A mounted path: its ``id``, its ``mode``, its ``type`` (``"direct"``: Python works on the
    folder in place; ``"copy"``: a copy kept in step by ``sync``), its folder's ``handle``, and
    ``syncfs()`` (what PyScript's mounts have)."""

    def __init__(self, path, id, mode, type, handle):
        self.path = path
        self.id = id
        self.mode = mode
        self.type = type
        self.handle = handle

    async def syncfs(self):
        return await sync(self.path)


mounted = {}
"""Mounted paths, each with its mount (``.id``, ``.mode``, ``.type``, ``syncfs()``)."""


def _fs():
    return getattr(interpreter, "_module", interpreter).FS


def mode():
    """``"sab"`` or ``"async"`` once connected, else None."""
    client = _connection.client()
    return None if client is None else client.mode


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
    what Python writes is in the folder once the file is closed or ``os.fsync``'d (merged with
    what other workers and tabs wrote: appends land at the end), and what others write there
    is seen at the next open or listdir (or ``lock``). In async mode (or with
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
    await _files.take_drop(key, id, mode)
    options = {"id": id, "mode": mode}
    if root:
        options["startIn"] = root
    js_options = ffi.to_js(options)
    if not await _connection.call("storeFSHandler", key, js_options):
        raise NotGrantedError(f"access to a folder for '{path}' was not granted")
    handle = await _connection.call("handle", key, None)
    if not await _granted(handle, mode):
        # The browser dropped the permission: re-grant it on the stored folder, never re-pick.
        if not await _connection.call("getFSHandler", key, js_options):
            raise NotGrantedError(f"access to the folder for '{path}' was not granted again")
        handle = await _connection.call("handle", key, None)
    if direct is None:
        direct = _connection.client().mode == "sab"
    kind = "direct" if direct else "copy"
    engine = await _connection.engine(kind)
    await _outcome(engine.mount(_fs(), path, handle, mode == "read", key))
    mounted[path] = _Mounted(path, id, mode, kind, handle)


async def _engine_of(path):
    """The engine that keeps the mount at ``path``."""
    return await _connection.engine(mounted[path].type)


def _key(path, id):
    """The record key of ``path``: with ``id``, or the mount's, else ``"pyscript"``'s."""
    if id is None:
        id = mounted[path].id if path in mounted else "pyscript"
    return f"{path}@{id}"


async def kind(path, id=None):
    """Where the folder stored for ``path`` is: ``"device"``, a folder of the user's device
    (picked), or ``"private"``, a folder of the browser's origin-private file system (the
    page's ``fallback: "private"``, where the browser has no folder picker). A private folder is
    kept by the browser for this site, and is cleared with the site's data. ``id`` is the
    mount's, else ``"pyscript"``.

    For a file that ``open_file`` put at ``path``: ``"device"`` (the user's file, kept for its
    id: ``save_file`` with that id writes to it) or ``"copy"`` (the browser gives no file
    handles: ``save_file`` offers a download)."""
    if path in _opened:
        return _opened[path]
    return str(await _connection.call("kind", _key(path, id)))


# What ``open_file`` put where: "device" or "copy" (``kind``).
_opened = {}


async def open_file(path, id="default", accept=None, pick=False):
    """Has the user open a file of their device and puts a copy of it at ``path`` (its folders
    made as needed; on a mount, it lands in that folder); returns the file's name.

    The first time (or with ``pick=True``) the page asks for a click and shows the browser's
    file picker; ``accept`` narrows it, as ``{"text/csv": [".csv"]}``. The file is kept for
    ``id``: a later call (this visit or the next) opens it again with no picker, asking only
    for the browser's permission when it lapsed, and ``save_file`` with the same ``id`` writes
    to it. A file dropped on the page for ``id`` (``dropped``) is opened the same way. Where the
    browser has no file picker (Firefox, Safari), the user chooses in its file dialog and
    nothing is kept (``kind(path)`` says ``"copy"``). Raises NotGrantedError if the user
    cancels (nothing is kept), FsHandlesError NotFoundError when the kept file was moved or
    removed (``pick=True`` chooses another)."""
    name, how = await _files.open_into(_fs(), path, id, accept, pick)
    _opened[path] = how
    return name


async def save_file(path, suggested_name=None, id="default", accept=None, pick=False):
    """Writes the file at ``path`` to a file of the user's device, and returns ``"saved"``.

    The first time (or with ``pick=True``, "Save as") the page asks for a click and shows the
    browser's save picker (``suggested_name``, ``accept`` as for ``open_file``); the file chosen
    is kept for ``id``, so the next save goes there with no picker, as an editor's "Save". A
    file opened with the same ``id`` is saved over. Where the browser has no save picker
    (Firefox, Safari) the file is offered as a download instead: ``"downloaded"``. The file is
    written whole or not at all. Raises NotGrantedError if the user cancels."""
    import os

    os.stat(path)  # no file there: the interpreter's own OSError (ENOENT), before any prompt
    return await _files.save_from(_fs(), path, id, suggested_name, accept, pick)


async def dropped(id="default"):
    """Waits for a file or folder dropped on the page where it takes drops for ``id`` (the
    page's ``acceptDrops(host, element, {id})``) and returns a ``Dropped`` (``kind`` "file" or
    "folder", ``name``); a drop no one awaited yet is returned at once. A dropped file is what
    ``open_file(path, id=id)`` opens next, and a dropped folder what ``mount(path, id=id)``
    mounts next (read access comes with the drop; write access is asked for). In sab mode the
    worker blocks while it waits, as for a prompt."""
    return await _files.dropped(id)


async def import_folder(path, id=None):
    """Copies a folder of the user's device, which they choose in the browser's file dialog,
    into the folder stored for ``path`` (mounted or not): where the browser has no folder
    picker, the way to bring their files into a ``"private"`` folder (see ``kind``). Nothing
    there is overwritten (see ``ImportReport``). The page asks for the click the file dialog
    needs. A copy mount of ``path`` is synced afterwards, so that Python sees the files.
    Returns the ``ImportReport``, or None when the user cancels."""
    report = await _files.import_into(_key(path, id))
    if report is not None and path in mounted and mounted[path].type == "copy":
        await sync(path)
    return report


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
    return await _files.export_from(_key(mount, None), path[len(mount.rstrip("/")) + 1 :])


async def regrant(path, mode="readwrite", id="pyscript"):
    """Asks again for access to the folder stored for ``path`` (no new picker unless the user
    refuses). Returns whether access is granted. Not in PyScript's API: an fshandles extra."""
    options = ffi.to_js({"id": id, "mode": mode})
    return bool(await _connection.call("getFSHandler", f"{path}@{id}", options))


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
    existed = bool(await _connection.call("deleteFSHandler", f"{path}@{id}", None))
    if path in mounted and mounted[path].id == id:
        await _outcome((await _engine_of(path)).forget(path))
        del mounted[path]
    return existed
