"""The worker's ``FsClient``, connected at the first call, and the JS modules fshandles loads:
the client's (``fshandles_worker.js``) and the two mount engines' (``fshandles_copy.js``,
``fshandles_direct.js``)."""

from pyscript import ffi

from ._errors import FsHandlesError, _outcome

try:
    from pyscript.js_modules import fshandles_worker as _module
except Exception:  # no js_modules entry: usePyScript() says where the module is (connect)
    _module = None

_client = None
_engines = {}
_warming = None

# Each JS module's js_modules name, and the global where usePyScript puts its URL: the two mount
# engines, the watch (loaded the first time a program watches) and one file's way in and out
# (the first time a program opens or saves one).
_MODULES = {
    "copy": ("fshandles_copy", "fshandlesCopyUrl"),
    "direct": ("fshandles_direct", "fshandlesDirectUrl"),
    "watch": ("fshandles_watch", "fshandlesWatchUrl"),
    "file": ("fshandles_file", "fshandlesFileUrl"),
}


def _from_js_modules(kind):
    """The module named in the worker's ``js_modules``; ImportError where it is not."""
    if kind == "copy":
        from pyscript.js_modules import fshandles_copy as found
    elif kind == "direct":
        from pyscript.js_modules import fshandles_direct as found
    elif kind == "watch":
        from pyscript.js_modules import fshandles_watch as found
    else:
        from pyscript.js_modules import fshandles_file as found
    return found


def client():
    """The connected ``FsClient``, or None before the first call."""
    return _client


async def call(method, *args):
    """Calls a FsClient method through ``settle``: plainly in sab mode, as a Promise in async
    mode."""
    await connect()
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
        await _outcome((await engine("direct")).start())
    except Exception:
        pass  # the mount that needs the I/O worker raises the same failure


async def connect():
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


def loaded(kind):
    """The JS module of ``kind`` mounts if it is loaded already, else None."""
    return _engines.get(kind)


async def engine(kind):
    """The JS module of ``"copy"`` or ``"direct"`` mounts (a mount engine: both answer
    ``mount``, ``sync``, ``unmount`` and ``forget`` alike), of ``"watch"`` or ``"file"``: from the
    worker's ``js_modules``, from where ``usePyScript`` said it is, or beside the copy engine."""
    if kind not in _engines:
        name, url_global = _MODULES[kind]
        try:
            loaded = _from_js_modules(kind)
        except Exception:
            import js

            url = getattr(js, url_global, None)
            if url:
                import _fshandles_loader

                loaded = await _fshandles_loader.load(url)
            elif kind != "copy":
                copy = await engine("copy")
                loaded = await (copy.load(kind))
            else:
                raise FsHandlesError(
                    "NotSupportedError",
                    f'{name}.js is missing: add "/dist/worker/{name}.js" = "{name}" to the '
                    "worker's js_modules, or use usePyScript(hooks)",
                )
        _engines[kind] = loaded
    return _engines[kind]
