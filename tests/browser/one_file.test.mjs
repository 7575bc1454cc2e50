// One file in and out of a PyScript worker (`fshandles.open_file`, `save_file`) and what the
// user drops on the page (`acceptDrops`, `fshandles.dropped`), on a usePyScript page. The file
// pickers are the stand-ins (support/standin.js: origin-private files of the folder "files");
// the file dialog, the download and the drops are the browser's own (Playwright's file
// chooser; a drop of real files of the disk through the DevTools protocol).
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, mkdir, writeFile, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ISOLATED, PLAIN, useBrowser, ev, waitFor, clickInDialog, picker, setPicker, activationLapsed, openHost, call } from "./harness.mjs";
import { python, startPython, openPage, crashFree, helpers } from "./python.mjs";

const T = { timeout: 240000 };

// The origin-private file "files/<name>", as the stand-in pickers hand it out.
const putFile = (page, name, text) =>
  ev(page, async ([n, t]) => {
    const files = await (await navigator.storage.getDirectory()).getDirectoryHandle("files", { create: true });
    const w = await (await files.getFileHandle(n, { create: true })).createWritable();
    await w.write(t);
    await w.close();
  }, [name, text]);
const fileText = (page, name) =>
  ev(page, async (n) => {
    const files = await (await navigator.storage.getDirectory()).getDirectoryHandle("files");
    return (await (await files.getFileHandle(n)).getFile()).text();
  }, name);
const removeFile = (page, name) =>
  ev(page, async (n) => (await (await navigator.storage.getDirectory()).getDirectoryHandle("files")).removeEntry(n), name);
// The records the page keeps for one file, by key.
const records = (page) =>
  ev(page, () => new Promise((resolve, reject) => {
    const request = indexedDB.open("IDBMap/@pyscript.fs/files");
    request.onupgradeneeded = () => request.result.createObjectStore("files");
    request.onsuccess = () => {
      const keys = request.result.transaction("files").objectStore("files").getAllKeys();
      keys.onsuccess = () => resolve(keys.result.sort());
      keys.onerror = () => reject(keys.error);
    };
    request.onerror = () => reject(request.error);
  }));
// A folder of the disk with what the tests choose and drop: in.csv, note.txt, and the folder
// dropped/ (x.txt, sub/y.txt).
async function filesOnDisk() {
  const disk = await mkdtemp(join(tmpdir(), "fshandles-one-file-"));
  await writeFile(join(disk, "in.csv"), "a,b\n1,2\n");
  await writeFile(join(disk, "note.txt"), "dropped note");
  await mkdir(join(disk, "dropped", "sub"), { recursive: true });
  await writeFile(join(disk, "dropped", "x.txt"), "from disk");
  await writeFile(join(disk, "dropped", "sub", "y.txt"), "deep");
  return disk;
}

// A real drop of files of the disk on the page's zone, as a person's drag from their file
// manager.
async function dropOn(page, path) {
  const session = await page.context().newCDPSession(page);
  const data = { items: [], files: [path], dragOperationsMask: 1 };
  for (const type of ["dragEnter", "dragOver", "drop"]) {
    await session.send("Input.dispatchDragEvent", { type, x: 50, y: 50, data });
  }
  await session.detach();
}

// Lets Python's wait_go() return (the plugin page has no go() of its own).
const go = (page) => ev(page, () => new BroadcastChannel("go").postMessage(1));
// Clicks `which` on the next dialog.
const answer = async (page, which) => {
  await waitFor(page, () => !!document.querySelector("dialog.fshandles-dialog[open]"), null, { timeout: 60000, what: "the host's dialog" });
  await clickInDialog(page, which);
};

describe("one file in and out of a worker", () => {
  const browser = useBrowser();

  for (const [mode, base] of [["sab", ISOLATED], ["async", PLAIN]]) {
    for (const type of ["py", "mpy"]) {
      it(`${type}, ${mode} mode: open_file, save back without a picker, save_file elsewhere, and again next visit`, T, async () => {
        const context = await browser().newContext();
        const { page, problems } = await openPage(base, context, "", "pyscript-plugin.html");
        await putFile(page, "chosen.txt", "hello");
        await python(page, type, `${helpers()}
import fshandles
name = await fshandles.open_file("/work/in/doc.txt", id="doc", accept={"text/plain": [".txt"]})
report(step="opened", name=name, text=read("/work/in/doc.txt"), kind=await fshandles.kind("/work/in/doc.txt"))
with open("/work/in/doc.txt", "a") as f:
    f.write(" world")
back = await fshandles.save_file("/work/in/doc.txt", id="doc")
report(step="saved", back=back)
await wait_go()
elsewhere = await fshandles.save_file("/work/in/doc.txt", suggested_name="copy.txt", id="copy")
report(step="elsewhere", elsewhere=elsewhere)
`, "opened", { answer: "authorize" });
        assert.deepEqual(await crashFree(page, "opened"), { step: "opened", name: "chosen.txt", text: "hello", kind: "device" });
        assert.deepEqual(await crashFree(page, "saved"), { step: "saved", back: "saved" });
        assert.equal(await fileText(page, "chosen.txt"), "hello world", "saved over the file opened, with no picker");
        await activationLapsed(page);
        await go(page);
        await answer(page, "authorize");
        assert.deepEqual(await crashFree(page, "elsewhere"), { step: "elsewhere", elsewhere: "saved" });
        assert.equal(await fileText(page, "copy.txt"), "hello world");
        const seen = await picker(page);
        assert.equal(seen.fileCalls, 2, "one picker to open, one to save elsewhere");
        assert.deepEqual(seen.fileOptions[0], { id: "doc", types: [{ accept: { "text/plain": [".txt"] } }], multiple: false });
        assert.deepEqual(seen.fileOptions[1], { id: "copy", suggestedName: "copy.txt" });
        assert.deepEqual(await records(page), ["file:copy", "file:doc"]);

        // The next visit: both files again, with no dialog and no picker.
        await putFile(page, "chosen.txt", "changed since");
        await page.reload();
        await waitFor(page, () => globalThis.hostReady === true, null, { timeout: 30000 });
        await python(page, type, `
import fshandles
name = await fshandles.open_file("/again.txt", id="doc")
text = read("/again.txt")
with open("/again.txt", "w") as f:
    f.write("next visit")
report(step="again", name=name, text=text, saved=await fshandles.save_file("/again.txt", id="copy"))
`, "again");
        assert.deepEqual(await crashFree(page, "again"), { step: "again", name: "chosen.txt", text: "changed since", saved: "saved" });
        assert.equal(await fileText(page, "copy.txt"), "next visit");
        assert.equal((await picker(page)).fileCalls, 0);
        assert.equal((await picker(page)).dialogs, 0);
        assert.deepEqual(problems, []);
        await context.close();
      });
    }
  }
});

// Python's failure of `awaitable`: [its class, its fshandles name], or None.
const FAILURE = `
async def failure(awaitable):
    try:
        await awaitable
        return None
    except Exception as e:
        return [type(e).__name__, getattr(e, "name", None)]
`;

describe("one file: refusals, no file pickers, drops", () => {
  const browser = useBrowser();
  let disk;
  before(async () => (disk = await filesOnDisk()));
  after(() => rm(disk, { recursive: true, force: true }));

  it("py, sab mode: a cancel keeps nothing; a bad accept is a DataError; a removed file is NotFoundError, its record kept until pick=True", T, async () => {
    const context = await browser().newContext();
    const { page, problems } = await openPage(ISOLATED, context, "", "pyscript-plugin.html");
    await putFile(page, "chosen.txt", "first");
    await python(page, "py", `${helpers()}${FAILURE}
import fshandles
cancelled = await failure(fshandles.open_file("/x.txt", id="doc"))
report(step="cancelled", cancelled=cancelled)
await wait_go()
bad = await failure(fshandles.open_file("/x.txt", id="doc", accept={"text/csv": "csv"}))
name = await fshandles.open_file("/x.txt", id="doc")
report(step="opened", bad=bad, name=name)
await wait_go()
report(step="removed", removed=await failure(fshandles.open_file("/x.txt", id="doc")))
await wait_go()
name = await fshandles.open_file("/x.txt", id="doc", pick=True)
report(step="picked", name=name, text=read("/x.txt"))
`, "cancelled", { answer: "cancel" });
    assert.deepEqual(await crashFree(page, "cancelled"), { step: "cancelled", cancelled: ["NotGrantedError", null] });
    assert.deepEqual(await records(page), [], "a cancel keeps nothing");
    await activationLapsed(page);
    await go(page);
    await answer(page, "authorize");
    assert.deepEqual(await crashFree(page, "opened"), { step: "opened", bad: ["FsHandlesError", "DataError"], name: "chosen.txt" });
    await removeFile(page, "chosen.txt");
    await go(page);
    assert.deepEqual(await crashFree(page, "removed"), { step: "removed", removed: ["FsHandlesError", "NotFoundError"] });
    assert.deepEqual(await records(page), ["file:doc"], "the record is kept for a new pick");
    await putFile(page, "other.txt", "another");
    await setPicker(page, { file: "other.txt" });
    await activationLapsed(page);
    await go(page);
    await answer(page, "authorize");
    assert.deepEqual(await crashFree(page, "picked"), { step: "picked", name: "other.txt", text: "another" });
    assert.equal((await picker(page)).fileCalls, 2, "no picker for a cancel in the dialog, nor for the removed file");
    assert.deepEqual(problems, []);
    await context.close();
  });

  for (const type of ["py", "mpy"]) {
    it(`${type}, async mode, no file pickers (as in Firefox): open_file copies from the file dialog, save_file downloads`, T, async () => {
      const context = await browser().newContext();
      const { page, problems } = await openPage(PLAIN, context, "?nopicker", "pyscript-plugin.html");
      await startPython(page, type, `${helpers()}
import fshandles
name = await fshandles.open_file("/data/in.csv", id="csv", accept={"text/csv": [".csv"]})
report(step="opened", name=name, text=read("/data/in.csv"), kind=await fshandles.kind("/data/in.csv"))
with open("/data/out.txt", "w") as f:
    f.write("result")
await wait_go()
report(step="saved", how=await fshandles.save_file("/data/out.txt", suggested_name="result.txt", id="out"))
`, "opened");
      await waitFor(page, () => !!document.querySelector("dialog.fshandles-dialog[open]"), null, { timeout: 120000, what: "the host's dialog" });
      const choosing = page.waitForEvent("filechooser", { timeout: 15000 });
      await clickInDialog(page, "authorize");
      const chooser = await choosing;
      assert.equal(chooser.isMultiple(), false);
      assert.equal(await chooser.element().getAttribute("accept"), "text/csv,.csv");
      await chooser.setFiles(join(disk, "in.csv"));
      assert.deepEqual(await crashFree(page, "opened"), { step: "opened", name: "in.csv", text: "a,b\n1,2\n", kind: "copy" });
      assert.deepEqual(await records(page), [], "the uploaded copy is taken out once read");
      const download = page.waitForEvent("download");
      await go(page);
      assert.deepEqual(await crashFree(page, "saved"), { step: "saved", how: "downloaded" });
      const got = await download;
      assert.equal(got.suggestedFilename(), "result.txt");
      assert.equal(await readFile(await got.path(), "utf8"), "result");
      assert.deepEqual(await records(page), []);
      assert.deepEqual(problems, []);
      await context.close();
    });
  }

  // `handles` false: the drop gives none (?nohandles, as Firefox): a dropped file is a copy, a
  // dropped folder a private copy of it.
  for (const [type, mode, base, handles] of [["py", "sab", ISOLATED, true], ["mpy", "async", PLAIN, true], ["mpy", "sab", ISOLATED, false]]) {
    const what = handles ? "the user's" : "a copy (no handles, as Firefox)";
    it(`${type}, ${mode} mode: a dropped file is what open_file opens, a dropped folder what mount mounts, ${what}, with no picker`, T, async () => {
      const context = await browser().newContext();
      const { page, problems } = await openPage(base, context, `?drops=inbox${handles ? "" : "&nohandles"}`, "pyscript-plugin.html");
      await python(page, type, `${helpers()}
import fshandles
report(step="started")
got = await fshandles.dropped("inbox")
name = await fshandles.open_file("/note.txt", id="inbox")
report(step="file", kind=got.kind, dropped=got.name, name=name, text=read("/note.txt"), how=await fshandles.kind("/note.txt"))
got = await fshandles.dropped("inbox")
await fshandles.mount("/dropped", mode="read", id="inbox")
report(step="folder", kind=got.kind, name=got.name, tree=tree("/dropped"), type=fshandles.mounted["/dropped"].type, how=await fshandles.kind("/dropped", id="inbox"))
`, "started");
      await dropOn(page, join(disk, "note.txt"));
      assert.deepEqual(await crashFree(page, "file"), { step: "file", kind: "file", dropped: "note.txt", name: "note.txt", text: "dropped note", how: handles ? "device" : "copy" });
      await dropOn(page, join(disk, "dropped"));
      assert.deepEqual(await crashFree(page, "folder"), {
        step: "folder",
        kind: "folder",
        name: "dropped",
        tree: { "sub": "(folder)", "sub/y.txt": "deep", "x.txt": "from disk" },
        type: mode === "sab" ? "direct" : "copy",
        how: handles ? "device" : "private",
      });
      const seen = await picker(page);
      assert.deepEqual([seen.calls, seen.fileCalls, seen.dialogs], [0, 0, 0], "no picker, no dialog");
      assert.deepEqual(problems, []);
      await context.close();
    });
  }
});

describe("one file in and out of a plain JS or Rust worker (the page's serveFiles)", () => {
  const browser = useBrowser();

  it("openFile gives the handle and its file; saveFile writes back with no picker, then elsewhere; the next visit asks nothing", T, async () => {
    const { page, context, problems } = await openHost(browser(), ISOLATED, "?files");
    await ev(page, () => globalThis.spawn("w"));
    await putFile(page, "chosen.txt", "hello js");
    const opening = call(page, "w", "openFile", { id: "doc", accept: { "text/plain": [".txt"] } });
    await answer(page, "authorize");
    assert.deepEqual(await opening, { ok: true, value: { name: "chosen.txt", how: "handle", text: "hello js", handle: true } });
    assert.deepEqual(await call(page, "w", "saveFile", "saved back", { id: "doc" }), { ok: true, value: "saved" });
    assert.equal(await fileText(page, "chosen.txt"), "saved back");
    await activationLapsed(page);
    const saving = call(page, "w", "saveFile", "elsewhere", { id: "copy", suggestedName: "copy.txt" });
    await answer(page, "authorize");
    assert.deepEqual(await saving, { ok: true, value: "saved" });
    assert.equal(await fileText(page, "copy.txt"), "elsewhere");
    assert.equal((await picker(page)).fileCalls, 2);
    // A bad id, and a cancel: refusals with stable names, nothing kept.
    const bad = await call(page, "w", "openFile", { id: "" });
    assert.deepEqual([bad.ok, bad.error.name], [false, "DataError"]);
    await activationLapsed(page);
    const cancelled = call(page, "w", "openFile", { id: "other" });
    await answer(page, "cancel");
    const refused = await cancelled;
    assert.deepEqual([refused.ok, refused.error.name], [false, "NotAllowedError"]);
    assert.deepEqual(await records(page), ["file:copy", "file:doc"]);

    await page.reload();
    await waitFor(page, () => globalThis.hostReady === true, null, { timeout: 15000 });
    await ev(page, () => globalThis.spawn("w"));
    assert.deepEqual(await call(page, "w", "openFile", { id: "doc" }), { ok: true, value: { name: "chosen.txt", how: "handle", text: "saved back", handle: true } });
    assert.deepEqual(await call(page, "w", "saveFile", "again", { id: "copy" }), { ok: true, value: "saved" });
    assert.equal(await fileText(page, "copy.txt"), "again");
    assert.equal((await picker(page)).fileCalls, 0, "no picker on the next visit");
    assert.deepEqual(problems, []);
    await context.close();
  });

  it("Rust (fshandles_worker::files): open_file and save_file, a picker the first time, none the next", T, async () => {
    const { page, context, problems } = await openHost(browser(), ISOLATED, "?files");
    await ev(page, () => globalThis.spawn("rust", { script: "/tests/browser/support/plain-rust-worker.js" }));
    await putFile(page, "chosen.txt", "hello rust");
    const opening = call(page, "rust", "openFile", "rs", false);
    await answer(page, "authorize");
    assert.deepEqual(await opening, { ok: true, value: "chosen.txt (kept): hello rust" });
    assert.deepEqual((await picker(page)).fileOptions[0], { id: "rs", types: [{ accept: { "text/plain": [".txt"] } }], multiple: false });
    assert.deepEqual(await call(page, "rust", "saveFile", "from rust", "rs", "ignored.txt"), { ok: true, value: "saved" });
    assert.equal(await fileText(page, "chosen.txt"), "from rust");
    assert.deepEqual(await call(page, "rust", "openFile", "rs", false), { ok: true, value: "chosen.txt (kept): from rust" });
    assert.equal((await picker(page)).fileCalls, 1, "one picker, for the first open");
    await activationLapsed(page);
    const cancelled = call(page, "rust", "openFile", "rs", true);
    await answer(page, "cancel");
    const refused = await cancelled;
    assert.deepEqual([refused.ok, refused.error.name], [false, "NotAllowedError"]);
    assert.deepEqual(problems, []);
    await context.close();
  });

  it("without file pickers: openFile is a copy from the file dialog, saveFile a download; a page that does not serve files: TimeoutError", T, async () => {
    const disk = await mkdtemp(join(tmpdir(), "fshandles-js-file-"));
    await writeFile(join(disk, "in.txt"), "from the disk");
    const { page, context, problems } = await openHost(browser(), PLAIN, "?files&nopicker");
    await ev(page, () => globalThis.spawn("w"));
    const opening = call(page, "w", "openFile", { id: "doc" });
    const choosing = page.waitForEvent("filechooser", { timeout: 15000 });
    await answer(page, "authorize");
    await (await choosing).setFiles(join(disk, "in.txt"));
    assert.deepEqual(await opening, { ok: true, value: { name: "in.txt", how: "upload", text: "from the disk", handle: false } });
    const download = page.waitForEvent("download");
    assert.deepEqual(await call(page, "w", "saveFile", "out", { suggestedName: "out.txt" }), { ok: true, value: "downloaded" });
    const got = await download;
    assert.equal(got.suggestedFilename(), "out.txt");
    assert.equal(await readFile(await got.path(), "utf8"), "out");
    assert.deepEqual(await records(page), []);
    await rm(disk, { recursive: true, force: true });

    await page.goto(page.url().replace("?files&", "?"));
    await waitFor(page, () => globalThis.hostReady === true, null, { timeout: 15000 });
    await ev(page, () => globalThis.spawn("w"));
    const unserved = await call(page, "w", "openFile", { id: "doc" });
    assert.equal(unserved.ok, false);
    assert.equal(unserved.error.name, "TimeoutError");
    assert.match(unserved.error.message, /serveFiles\(host, worker\)/);
    assert.deepEqual(problems, []);
    await context.close();
  });
});
