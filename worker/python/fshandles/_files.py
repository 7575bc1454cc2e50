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
