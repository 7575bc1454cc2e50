# The demo's Python worker: folder operations with the fshandles package, exported to the page.
import os

import fshandles

PATH = "/local"
NOTE = f"{PATH}/note-from-python.txt"


async def pick():
    await fshandles.mount(PATH)
    return f"mounted at {PATH}"


async def list_entries():
    # A sync brings in what others wrote since the mount (and sends out what we wrote).
    if PATH in fshandles.mounted:
        await fshandles.sync(PATH)
    else:
        await fshandles.mount(PATH)
    return ", ".join(sorted(os.listdir(PATH))) or "(empty)"


async def write(text):
    with open(NOTE, "w") as f:
        f.write(text)
    await fshandles.sync(PATH)
    return f"wrote {NOTE}"


async def read():
    with open(NOTE) as f:
        return f.read()


async def regrant():
    return "access granted" if await fshandles.regrant(PATH) else "access not granted"


async def revoke():
    return "forgotten" if await fshandles.revoke(PATH) else "nothing was stored"


def mode():
    return fshandles.mode() or ""


__export__ = ["pick", "list_entries", "write", "read", "regrant", "revoke", "mode"]
