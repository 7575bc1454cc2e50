"""Watching a mounted folder for changes: ``awatch``, shaped like the ``watchfiles`` package."""

from pyscript import ffi

from . import _connection
from ._errors import _error, _outcome

try:
    from enum import IntEnum

    class Change(IntEnum):
        """A kind of change, watchfiles' numbers."""

        added = 1
        modified = 2
        deleted = 3

    _KINDS = {1: Change.added, 2: Change.modified, 3: Change.deleted}
except ImportError:  # MicroPython has no enum: the kinds are the numbers

    class Change:
        """A kind of change, watchfiles' numbers."""

        added = 1
        modified = 2
        deleted = 3

    _KINDS = {1: 1, 2: 2, 3: 3}

_how = {}  # watched path -> "observer" or "poll", while watched


def watching(path):
    """How ``path`` is watched while an ``awatch`` of it runs: ``"observer"`` (the browser tells
    of each change: Chromium's FileSystemObserver), ``"poll"`` (the folder is looked at every
    ``poll_delay_ms`` while the loop waits: Firefox, Safari), or None."""
    return _how.get(path)


class awatch:
    """Changes in the mounted folder at ``path`` (a mount point, or a folder inside one)::

        async for changes in fshandles.awatch("/local"):
            for change, path in changes:        # {(Change.modified, "/local/notes/a.txt")}
                ...

    Each step is a ``set`` of ``(change, path)``: ``Change.added``, ``.modified`` or
    ``.deleted`` (1, 2, 3, as in watchfiles) and the absolute path under the mount; a move is
    deleted (old) and added (new). Changes that arrive together come as one set: what follows
    within ``step`` ms, for ``debounce`` ms at most. ``recursive=False`` watches the folder's own
    entries only.

    Where the browser has a FileSystemObserver (Chromium) it tells of each change and an idle
    watch costs nothing; elsewhere the folder is looked at every ``poll_delay_ms`` while the
    loop waits (``force_polling=True`` polls anywhere). ``watching(path)`` says which. On a copy
    mount, what changed is synced in before it is told, and a wait syncs where Python wrote
    (seen in memory), so Python's own writes are told as on a disk; on a direct mount, the mount forgets what it kept of the
    entries that changed (a folder removed and made again is seen at once).

    The folder removed ends the loop with ``FsHandlesError`` ``NotFoundError``, its permission
    taken back with ``NotGrantedError``. Leaving the loop stops watching (MicroPython, which
    calls no ``__del__``: ``close()``); a watch only polls while its loop waits.
    """

    def __init__(self, path, *, debounce=200, step=50, poll_delay_ms=1000, force_polling=None, recursive=True):
        self.path = path.rstrip("/") or "/"
        self._options = {
            "debounceMs": debounce,
            "stepMs": step,
            "pollMs": poll_delay_ms,
            "how": "poll" if force_polling else "auto",
            "recursive": recursive,
        }
        self._watcher = None
        self._closed = False

    def __aiter__(self):
        return self

    async def __anext__(self):
        if self._closed:
            raise StopAsyncIteration
        if self._watcher is None:
            await self._start()
        outcome = await self._watcher.next()
        if not outcome.ok:
            self.close()
            if outcome.name == "AbortError":
                raise StopAsyncIteration
            raise _error(outcome.name, outcome.message)
        prefix = self.path.rstrip("/")
        return {(_KINDS[pair[0]], prefix + "/" + str(pair[1])) for pair in outcome.value}

    async def _start(self):
        from . import mounted, _engine_of

        inside = [m for m in mounted if self.path == m or self.path.startswith(m.rstrip("/") + "/")]
        if not inside:
            raise KeyError(f"'{self.path}' is in no mounted folder. Use mount() first.")
        mount = max(inside, key=len)
        under = self.path[len(mount.rstrip("/")) :].strip("/")
        watch = await _connection.engine("watch")
        folder = mounted[mount].handle
        if under:
            folder = await _outcome(watch.folderAt(folder, under))
        engine = await _engine_of(mount)
        options = dict(self._options)
        options["tick"] = engine.ticker(mount, under) if mounted[mount].type == "direct" else engine.ticker(mount)
        options["tickIdle"] = mounted[mount].type == "copy"
        self._watcher = await _outcome(watch.watch(folder, ffi.to_js(options)))
        _how[self.path] = str(self._watcher.how)

    def close(self):
        """Stops watching; the loop ends."""
        if self._watcher is not None and not self._closed:
            self._watcher.stop()
            _how.pop(self.path, None)
        self._closed = True

    def __del__(self):
        self.close()
