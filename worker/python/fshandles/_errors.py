"""The exceptions fshandles raises, and the JS error names they stand for."""

try:
    _PermissionError = PermissionError
except NameError:  # MicroPython has no PermissionError
    _PermissionError = OSError

try:
    _TimeoutError = TimeoutError
except NameError:  # nor TimeoutError
    _TimeoutError = OSError


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
    message}`` raised. Every JS call of fshandles answers so, the mount engines included
    (``engine_types.d.ts``): they never throw across the FFI, since a JS exception thrown into
    MicroPython ends the run. This and ``_value`` are the one place such answers are read."""
    if not hasattr(outcome, "ok"):
        outcome = await outcome
    return _value(outcome)


def _value(outcome, error=_error):
    """The value of a plain ``{ok, value}``; its failure raised as ``error(name, message)``
    makes it."""
    if outcome.ok:
        return outcome.value
    raise error(outcome.name, outcome.message)
