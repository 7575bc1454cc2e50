"""Files in and out of a stored folder through the page: a folder of the device copied in,
a file offered as a download (the page's ``fileMethods``, which ``usePyScript`` gives)."""

from ._errors import FsHandlesError, _outcome
from ._reports import ImportReport


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


async def import_into(key):
    """Copies a folder the user chooses into the folder stored under ``key``: the
    ``ImportReport``, or None when the user cancels."""
    value = await _outcome(_page("fshandlesImport")(key))
    if getattr(value, "written", None) is None:
        return None
    return ImportReport(value)


async def export_from(key, relative):
    """Offers the file ``relative`` of the folder stored under ``key`` as a download; its
    name."""
    return str((await _outcome(_page("fshandlesExport")(key, relative))).name)


def _json(**options):
    """The options that are set, as JSON: a dict crosses PyScript's channel alike from Pyodide
    and MicroPython so."""
    import json

    return json.dumps({k: v for k, v in options.items() if v is not None and v is not False})


async def _file_module():
    from . import _connection

    return await _connection.engine("file")


async def open_into(fs, path, id, accept, pick):
    """Has the page open a file for ``id`` and copies it to ``path`` of ``fs``: its name, and
    ``"device"`` (a file handle kept for ``id``) or ``"copy"`` (the browser gave no handle)."""
    where = await _outcome(_page("fshandlesOpenFile")(id, _json(accept=accept, pick=pick)))
    await _outcome((await _file_module()).fetchInto(fs, path, where.db, where.key))
    return str(where.name), "device" if where.how == "handle" else "copy"


async def save_from(fs, path, id, suggested_name, accept, pick):
    """Has the page choose where ``id``'s file goes and writes ``path`` of ``fs`` there:
    ``"saved"``, or ``"downloaded"`` where the browser has no save picker."""
    where = await _outcome(
        _page("fshandlesSaveFile")(id, _json(suggestedName=suggested_name, accept=accept, pick=pick))
    )
    name = suggested_name or path.rsplit("/", 1)[-1]
    how = await _outcome((await _file_module()).storeFrom(fs, path, where.db, where.key, name))
    if how == "saved":
        return "saved"
    await _outcome(_page("fshandlesOfferSaved")(id))
    return "downloaded"


class Dropped:
    """What was dropped on the page: ``kind`` is ``"file"`` or ``"folder"``, ``name`` its name."""

    def __init__(self, kind, name):
        self.kind = kind
        self.name = name

    def __repr__(self):
        return "Dropped(%r, %r)" % (self.kind, self.name)


# The ids a folder was dropped for, which the next mount with that id takes.
_dropped_folders = set()


async def dropped(id):
    """The next drop for ``id`` (or the last one, if nobody awaited it yet)."""
    what = await _outcome(_page("fshandlesDropped")(id))
    if what.kind == "folder":
        _dropped_folders.add(id)
    return Dropped(str(what.kind), str(what.name))


async def take_drop(key, id, mode):
    """Makes a folder dropped for ``id`` the one stored under ``key``, if there is one."""
    if id in _dropped_folders:
        _dropped_folders.discard(id)
        await _outcome(_page("fshandlesTakeDrop")(key, id, mode))
