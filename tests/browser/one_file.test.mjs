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
import { ISOLATED, PLAIN, useBrowser, ev, waitFor, clickInDialog, picker, setPicker, activationLapsed } from "./harness.mjs";
import { python, openPage, crashFree, helpers } from "./python.mjs";

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
