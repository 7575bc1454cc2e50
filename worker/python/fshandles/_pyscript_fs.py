"""PyScript's own ``pyscript.fs``, served by fshandles' mounts.

``usePyScript(hooks)`` calls ``take_over()`` in each worker before its code runs (unless the page
passes ``pyscriptFs: false``), so that a program written for ``pyscript.fs`` gets, unchanged,
the direct mount in sab mode and the two-way sync in async mode: PyScript's own mount
(Pyodide's ``mountNativeFS``) makes the folder match its copy at each ``sync``, deleting what
was written into the folder from outside meanwhile.

The signatures and return values are PyScript's: ``mount``, ``sync`` and ``unmount`` return
None, ``revoke`` whether a folder was stored, ``mounted`` maps each mounted path to its mount
(whose ``syncfs()`` syncs, as PyScript's do). Errors are fshandles': a user who says no raises
``NotGrantedError`` (a ``PermissionError``) where PyScript raises ``RuntimeError``.
"""


def take_over():
    """Makes ``pyscript.fs``'s functions and ``mounted`` fshandles'. False where this worker has
    no ``pyscript.fs`` (not a PyScript worker)."""
    try:
        from pyscript import fs
    except ImportError:
        return False
    import fshandles

    async def mount(path, mode="readwrite", root="", id="pyscript"):
        """Mounts a folder of the user's device at ``path`` (fshandles' mount: in place in sab
        mode, a copy synced both ways in async mode)."""
        await fshandles.mount(path, mode=mode, root=root, id=id)

    async def sync(path):
        """Brings the folder and the mount at ``path`` in step, both ways: nothing written into
        the folder from outside is lost."""
        await fshandles.sync(path)

    async def unmount(path):
        """Syncs, then unmounts ``path``."""
        await fshandles.unmount(path)

    async def revoke(path, id="pyscript"):
        """Forgets the folder stored for ``path`` and ``id``, unmounting it; whether one was."""
        return await fshandles.revoke(path, id=id)

    fs.mount = mount
    fs.sync = sync
    fs.unmount = unmount
    fs.revoke = revoke
    fs.mounted = fshandles.mounted
    return True
