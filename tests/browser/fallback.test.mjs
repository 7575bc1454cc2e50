// `fallback: "private"` in Chromium: with the picker taken away (`?nopicker`, as in Firefox and
// Safari), a store gives an origin-private folder per picker id, with no prompt; with the
// picker there, the option changes nothing. Real Firefox runs the same option in
// tests/firefox/.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { ISOLATED, PLAIN, useBrowser, openHost, reload, ev, call, value, picker, clickInDialog, dialogsOpen } from "./harness.mjs";

const T = { timeout: 60000 };
const UID = "/local@pyscript";
const RW = { id: "pyscript", mode: "readwrite" };

describe("fallback: origin-private folders where there is no picker", () => {
  const browser = useBrowser();

  async function withWorker(base, query, mode) {
    const session = await openHost(browser(), base, query);
    await ev(session.page, () => globalThis.spawn("w"));
    assert.equal(await value(session.page, "w", "connect", { mode }), mode);
    return session;
  }

  for (const [mode, base] of [["sab", ISOLATED], ["async", PLAIN]]) {
    it(`${mode}: no picker: a folder per picker id with no prompt, the same one after a reload`, T, async () => {
      const { page, context, problems } = await withWorker(base, "?nopicker&fallback", mode);
      assert.deepEqual(await call(page, "w", "store", UID, RW), { ok: true, value: true });
      assert.equal(await dialogsOpen(page), 0, "no dialog");
      assert.equal((await picker(page)).calls, 0);
      assert.equal(await value(page, "w", "handleName", UID), "pyscript");
      assert.equal(await value(page, "w", "kind", UID), "private");
      assert.deepEqual(await value(page, "w", "settleKind", UID), { ok: true, value: "private" });
      assert.equal(await value(page, "w", "writeFile", UID, "note.txt", "kept"), true);
      assert.equal(await ev(page, () => globalThis.readFile("fshandles/pyscript", "note.txt")), "kept");
      const record = await ev(page, (uid) => globalThis.idbRecord(uid), UID);
      assert.equal(record.handler, "pyscript");
      assert.deepEqual(record.options, RW);

      // Another uid with the same picker id shares the folder; no id is "default".
      assert.deepEqual(await call(page, "w", "get", "/other@pyscript", RW), { ok: true, value: true });
      assert.equal(await value(page, "w", "readFile", "/other@pyscript", "note.txt"), "kept");
      assert.deepEqual(await call(page, "w", "store", "/plain", { mode: "read" }), { ok: true, value: true });
      assert.equal(await value(page, "w", "handleName", "/plain"), "default");

      // A visit later: the same folder, its file there; forgetting it keeps the files.
      await reload(page);
      await ev(page, () => globalThis.spawn("w"));
      await value(page, "w", "connect", { mode });
      assert.deepEqual(await call(page, "w", "store", UID, RW), { ok: true, value: true });
      assert.equal(await value(page, "w", "readFile", UID, "note.txt"), "kept");
      assert.deepEqual(await call(page, "w", "delete", UID), { ok: true, value: true });
      assert.deepEqual(await call(page, "w", "store", UID, RW), { ok: true, value: true });
      assert.equal(await value(page, "w", "readFile", UID, "note.txt"), "kept");
      assert.equal(await dialogsOpen(page), 0);
      assert.deepEqual(problems, []);
      await context.close();
    });
  }

  it("with the picker there, the option changes nothing: the dialog, the picker, a picked folder", T, async () => {
    const { page, context } = await withWorker(ISOLATED, "?fallback", "sab");
    const stored = call(page, "w", "store", UID, RW);
    await clickInDialog(page, "authorize");
    assert.deepEqual(await stored, { ok: true, value: true });
    assert.equal((await picker(page)).calls, 1);
    assert.equal(await value(page, "w", "handleName", UID), "picked-1");
    await context.close();
  });

  it("handles without permission methods (Firefox's, Safari's) count as granted with the option", T, async () => {
    const { page, context } = await withWorker(PLAIN, "?nopicker&fallback", "async");
    await ev(page, () => {
      delete FileSystemHandle.prototype.queryPermission;
      delete FileSystemHandle.prototype.requestPermission;
    });
    assert.deepEqual(await call(page, "w", "store", UID, RW), { ok: true, value: true });
    assert.deepEqual(await call(page, "w", "get", UID, RW), { ok: true, value: true });
    assert.equal(await value(page, "w", "kind", UID), "private");
    await context.close();
  });

  it("without the option, no picker is a NotSupportedError that names the option; a bad option is a DataError", T, async () => {
    const { page, context } = await withWorker(PLAIN, "?nopicker", "async");
    const r = await call(page, "w", "store", UID, RW);
    assert.equal(r.error?.name, "NotSupportedError", JSON.stringify(r));
    assert.match(r.error.message, /no showDirectoryPicker.*fallback: "private"/);
    assert.equal(await ev(page, (uid) => globalThis.idbRecord(uid), UID), null);
    for (const fallback of ["opfs", true, 1]) {
      const refused = await ev(page, (o) => globalThis.hostRefuses(o), { fallback });
      assert.equal(refused?.name, "DataError", JSON.stringify(fallback));
      assert.match(refused.message, /fallback must be "private"/);
    }
    assert.equal(await ev(page, () => globalThis.hostRefuses(new Map([["fallback", "private"]]))), null);
    await context.close();
  });

  it("no picker and no origin-private file system either (WebKitGTK): NotSupportedError that says so", T, async () => {
    const { page, context } = await withWorker(PLAIN, "?nopicker&fallback", "async");
    await ev(page, () => void delete StorageManager.prototype.getDirectory);
    const r = await call(page, "w", "store", UID, RW);
    assert.equal(r.error?.name, "NotSupportedError", JSON.stringify(r));
    assert.match(r.error.message, /neither showDirectoryPicker nor the origin-private file system/);
    assert.equal(await ev(page, (uid) => globalThis.idbRecord(uid), UID), null);
    await context.close();
  });

  it("kind() of a folder the picker gave is that of where it is; a uid never stored is NotFoundError", T, async () => {
    // The tests' picker hands out origin-private folders: "private" is the truth about them.
    // A real picker's folder is on the device, outside the origin-private file system.
    const { page, context } = await withWorker(ISOLATED, "", "sab");
    const stored = call(page, "w", "store", UID, RW);
    await clickInDialog(page, "authorize");
    assert.deepEqual(await stored, { ok: true, value: true });
    assert.equal(await value(page, "w", "kind", UID), "private");
    const missing = await call(page, "w", "settleKind", "/never");
    assert.deepEqual([missing.value?.ok, missing.value?.name], [false, "NotFoundError"], JSON.stringify(missing));
    await context.close();
  });
});
