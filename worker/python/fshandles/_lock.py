"""Locks by name, one for every worker and tab of the origin (Web Locks)."""

from pyscript import ffi

from . import _connection
from ._errors import _TimeoutError, _value

_held = set()


class lock:
    """Holds the lock ``name`` while the block runs: a Web Lock, the same one in every worker
    and tab of the page's origin (and JS's ``client.lock(name, fn)``, Rust's
    ``FsClient::lock``)::

        async with fshandles.lock("notes.db"):    # sab or async mode
            ...
        with fshandles.lock("notes.db"):          # sab mode: blocks, no await
            ...

    A direct mount's writes to one file by several workers need no lock: each commit merges.
    A lock is for what spans several steps: read, change, write back; an SQLite transaction.
    Taking it makes this worker's direct mounts see what others committed before they let
    go of it; letting go commits what files open here hold, so that the next holder sees it
    (a copy mount is brought in step by ``sync``, inside the block).

    ``timeout`` (seconds) bounds the wait: past it, ``TimeoutError`` (``OSError`` in
    MicroPython). Not re-entrant: taking a lock this worker holds raises ``RuntimeError``.
    The plain ``with`` needs fshandles' I/O worker, started by a direct mount.
    """

    def __init__(self, name, timeout=None):
        self.name = name
        self.timeout = timeout
        self._release = None

    def _take(self):
        if self.name in _held:
            raise RuntimeError(f"the lock '{self.name}' is held by this worker already")

    def _ms(self):
        return None if self.timeout is None else int(self.timeout * 1000)

    def _timed_out(self):
        return _TimeoutError(f"the lock '{self.name}' was not had in {self.timeout} s")

    def __enter__(self):
        direct = _connection.loaded("direct")
        client = _connection.client()
        if direct is None or client is None or client.mode != "sab":
            raise RuntimeError(
                "'with fshandles.lock(...)' blocks the worker, which needs sab mode and a "
                "direct mount first; use 'async with fshandles.lock(...)' otherwise"
            )
        self._take()
        if not _value(direct.lockNow(self.name, self._ms())):
            raise self._timed_out()
        _held.add(self.name)
        return self

    def __exit__(self, *exc):
        _held.discard(self.name)
        _value(_connection.loaded("direct").unlockNow(self.name))

    async def __aenter__(self):
        self._take()
        await _connection.connect()
        options = ffi.to_js({} if self.timeout is None else {"timeoutMs": self._ms()})
        outcome = await _connection.client().settle("acquire", self.name, options)
        if not outcome.ok and outcome.name == "TimeoutError":
            raise self._timed_out()
        self._release = _value(outcome)
        _held.add(self.name)
        direct = _connection.loaded("direct")
        if direct is not None:
            _value(direct.refreshNow())
        return self

    async def __aexit__(self, *exc):
        _held.discard(self.name)
        release, self._release = self._release, None
        try:
            direct = _connection.loaded("direct")
            if direct is not None:
                _value(direct.commitNow())
        finally:
            release()
