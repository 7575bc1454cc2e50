# The demo's Python worker: folder operations with the fshandles package, one file in and out,
# and what is dropped on the page; exported to the page.
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


FILE = "/files/opened"
RESULT = "/files/result.txt"


def _summary(path):
    with open(path, "rb") as f:
        data = f.read()
    return f"{len(data)} bytes, starting {data[:40]!r}"


async def open_file():
    # pick=True: a new file each time; open_file(FILE, id="demo") alone would reopen the last.
    name = await fshandles.open_file(FILE, id="demo", pick=True)
    return f"opened {name} ({await fshandles.kind(FILE)}): {_summary(FILE)}"


async def save(text):
    with open(RESULT, "w") as f:
        f.write(text + "\n")
    # The first save asks where; the next ones go to the same file.
    return await fshandles.save_file(RESULT, suggested_name="result.txt", id="demo-result")


async def take_drop():
    dropped = await fshandles.dropped("demo-drops")
    if dropped.kind == "file":
        await fshandles.open_file(FILE, id="demo-drops")
        return f"dropped file {dropped.name}: {_summary(FILE)}"
    if "/dropped" in fshandles.mounted:
        await fshandles.unmount("/dropped")
    await fshandles.mount("/dropped", mode="read", id="demo-drops")
    return f"dropped folder {dropped.name}: " + (", ".join(sorted(os.listdir("/dropped"))) or "(empty)")


def mode():
    return fshandles.mode() or ""


__export__ = ["pick", "list_entries", "write", "read", "regrant", "revoke", "open_file", "save", "take_drop", "mode"]
