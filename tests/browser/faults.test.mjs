// Faults: workers that die mid-request, a page reloaded mid-store, IndexedDB that will not
// open or will not write, and permissions revoked between calls. Nothing wedges and no stored
// record is lost.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { ISOLATED, useBrowser, openHost, reload, ev, waitFor, call, value, clickInDialog, dialogsOpen, activationLapsed } from "./harness.mjs";

const T = { timeout: 120000 };
const UID = "/local@pyscript";
const RW = { mode: "readwrite" };

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

describe("faults", () => {
  const browser = useBrowser();

  async function withWorkers(modes, query = "") {
    const session = await openHost(browser(), ISOLATED, query);
    for (const [name, mode] of Object.entries(modes)) {
      await ev(session.page, (n) => globalThis.spawn(n), name);
      assert.equal(await value(session.page, name, "connect", { mode }), mode);
    }
    return session;
  }

  for (const mode of ["sab", "async"]) {
    it(`a ${mode} worker terminated mid-request: the host stays consistent and serves the others`, T, async () => {
      const { page, context, problems } = await withWorkers({ a: mode, b: "sab", c: "async" });
      // Mid-prompt: a's store waits on the dialog when a is terminated.
      call(page, "a", "store", UID, RW).catch(() => {}); // never answered: a is gone
      await waitFor(page, () => globalThis.dialogOpen() === 1);
      await ev(page, () => globalThis.terminate("a"));
      assert.equal(await value(page, "b", "delete", "/x"), false, "served while the dialog is open");
      assert.equal(await value(page, "c", "delete", "/x"), false);
      await clickInDialog(page, "authorize"); // the answer goes to a dead worker, harmlessly
      await waitFor(page, () => globalThis.host.pendingPrompts === 0);
      assert.equal(await value(page, "b", "store", UID, RW), true, "a's folder was stored");
      // Mid-stream: a second worker dies halfway through a burst of store-hits.
      await ev(page, (m) => globalThis.spawn("d").then(() => globalThis.call("d", "connect", { mode: m })), mode);
      call(page, "d", "load", UID, 100000).catch(() => {}); // never answered: d is gone
      await sleep(200);
      await ev(page, () => globalThis.terminate("d"));
      const [b, c] = await Promise.all([call(page, "b", "load", UID, 300), call(page, "c", "load", UID, 300)]);
      assert.deepEqual([b.value, c.value], [{ calls: 300, wrong: [] }, { calls: 300, wrong: [] }]);
      assert.equal(await dialogsOpen(page), 0);
      assert.deepEqual(problems, []);
      await context.close();
    });
  }

  it("a page reloaded during a store leaves the record whole or absent, never half-written", T, async () => {
    let whole = 0;
    // The last try reloads only once the record is there: at least one must be checked whole.
    for (const delay of [0, 5, 20, 50, 120, "written"]) {
      const { page, context } = await withWorkers({ w: "async" });
      call(page, "w", "store", UID, RW).catch(() => {}); // the reload ends the worker
      await clickInDialog(page, "authorize");
      if (delay === "written") {
        await waitFor(page, (uid) => globalThis.idbRecord(uid), UID, { what: "the record" });
      } else {
        await sleep(delay);
      }
      await reload(page);
      const record = await ev(page, (uid) => globalThis.idbRecord(uid), UID);
      if (record !== null) {
        assert.equal(record.handlerKind, "directory", `after ${delay} ms`);
        assert.equal(record.options?.mode, "readwrite", `after ${delay} ms`);
        whole++;
      }
      // Either way the page carries on: stored (a hit) or asked again.
      await ev(page, () => globalThis.spawn("w2"));
      await value(page, "w2", "connect", { mode: "async" });
      const again = call(page, "w2", "store", UID, RW);
      if (record === null) await clickInDialog(page, "authorize");
      assert.deepEqual(await again, { ok: true, value: true }, `after ${delay} ms`);
      await context.close();
    }
    assert.ok(whole >= 1, "no try wrote a record to check");
  });

  it("IndexedDB blocked by another tab's upgrade: a clear error within seconds, then it works", T, async () => {
    const { page, context, problems } = await withWorkers({ w: "async" });
    // Another tab holds version 1 open and ignores versionchange; a third asks for version 2.
    await ev(page, () => new Promise((resolve, reject) => {
      const open = indexedDB.open("IDBMap/@pyscript.fs", 1);
      open.onupgradeneeded = () => open.result.createObjectStore("entries");
      open.onerror = () => reject(open.error);
      open.onsuccess = () => {
        globalThis.stubborn = open.result;
        globalThis.upgrade = indexedDB.open("IDBMap/@pyscript.fs", 2);
        globalThis.upgrade.onblocked = () => resolve(true);
      };
    }));
    const started = Date.now();
    const r = await call(page, "w", "store", UID, RW);
    assert.equal(r.ok, false);
    assert.equal(r.error.name, "UnknownStorageError");
    assert.match(r.error.message, /did not open/);
    assert.ok(Date.now() - started < 9000, "answered within seconds");
    // The stubborn tab lets go: the upgrade goes through.
    await ev(page, () => new Promise((resolve) => {
      globalThis.upgrade.onsuccess = () => {
        globalThis.upgrade.result.close();
        resolve();
      };
      globalThis.stubborn.close();
    }));
    const again = call(page, "w", "store", UID, RW);
    await clickInDialog(page, "authorize");
    assert.deepEqual(await again, { ok: true, value: true });
    assert.deepEqual(problems, []);
    await context.close();
  });

  it("a database of that name that is not an IDBMap: a clear error, and it is left alone", T, async () => {
    const { page, context } = await withWorkers({ w: "sab" }, "?ns=foreign");
    await ev(page, () => new Promise((resolve) => {
      const open = indexedDB.open("IDBMap/foreign", 1);
      open.onupgradeneeded = () => open.result.createObjectStore("theirs");
      open.onsuccess = () => { open.result.close(); resolve(); };
    }));
    const r = await call(page, "w", "store", UID, RW);
    assert.equal(r.error?.name, "UnknownStorageError");
    assert.match(r.error.message, /not an IDBMap database/);
    const stores = await ev(page, () => new Promise((resolve) => {
      const open = indexedDB.open("IDBMap/foreign");
      open.onsuccess = () => { resolve([...open.result.objectStoreNames]); open.result.close(); };
    }));
    assert.deepEqual(stores, ["theirs"]);
    await context.close();
  });

  it("a write over the storage quota: QuotaExceededError, and the stored record is kept", T, async () => {
    const { page, context } = await withWorkers({ w: "async" }, "?permissions");
    const stored = call(page, "w", "store", UID, RW);
    await clickInDialog(page, "authorize");
    assert.deepEqual(await stored, { ok: true, value: true });
    // The browser's own quota, lowered for this origin (as a full disk would).
    const s = await context.newCDPSession(page);
    await s.send("Storage.overrideQuotaForOrigin", { origin: new URL(ISOLATED).origin, quotaSize: 1 });
    // The stored folder's permission is gone and its re-grant refused: get picks anew and
    // must write the new folder, which the quota forbids.
    await ev(page, () => {
      globalThis.picker.revoked.add("picked-1");
      globalThis.picker.deny = true;
    });
    await activationLapsed(page);
    const got = call(page, "w", "get", UID, RW);
    await clickInDialog(page, "authorize");
    const r = await got;
    assert.equal(r.ok, false, JSON.stringify(r));
    assert.equal(r.error.name, "QuotaExceededError", r.error.message);
    assert.equal((await ev(page, (uid) => globalThis.idbRecord(uid), UID)).handler, "picked-1", "the old record is kept");
    await s.send("Storage.overrideQuotaForOrigin", { origin: new URL(ISOLATED).origin });
    await context.close();
  });

  it("a browser whose handles have no permission methods: NotSupportedError that says so, and nothing stored", T, async () => {
    // As Firefox's and Safari's handles are (a browser, not a permission, is simulated here).
    const { page, context } = await withWorkers({ w: "async" });
    await ev(page, () => {
      delete FileSystemHandle.prototype.queryPermission;
      delete FileSystemHandle.prototype.requestPermission;
    });
    const stored = call(page, "w", "store", UID, RW);
    await clickInDialog(page, "authorize");
    const r = await stored;
    assert.equal(r.ok, false, JSON.stringify(r));
    assert.equal(r.error.name, "NotSupportedError", r.error.message);
    assert.match(r.error.message, /no queryPermission\/requestPermission/);
    assert.equal(await ev(page, (uid) => globalThis.idbRecord(uid), UID), null);
    await context.close();
  });

  it("a TypeError inside the host is an UnknownError with its message, not a DataError", T, async () => {
    const { page, context } = await withWorkers({ w: "sab" });
    await ev(page, () => {
      FileSystemHandle.prototype.requestPermission = function () {
        throw new TypeError("requestPermission exploded");
      };
    });
    const stored = call(page, "w", "store", UID, RW);
    await clickInDialog(page, "authorize");
    const r = await stored;
    assert.equal(r.ok, false, JSON.stringify(r));
    assert.deepEqual([r.error.name, r.error.message], ["UnknownError", "requestPermission exploded"]);
    // The caller's own mistakes stay DataErrors.
    const bad = await call(page, "w", "store", UID, { mode: "write" });
    assert.equal(bad.error?.name, "DataError", JSON.stringify(bad));
    await context.close();
  });

  it("a permission revoked between calls is reported: at once with permissionTtlMs 0, after the TTL by default", T, async () => {
    for (const [query, wait] of [["?ttl=0&permissions", 0], ["?permissions", 250]]) {
      const { page, context } = await withWorkers({ w: "sab" }, query);
      const stored = call(page, "w", "store", UID, RW);
      await clickInDialog(page, "authorize");
      assert.deepEqual(await stored, { ok: true, value: true });
      await activationLapsed(page);
      await ev(page, () => globalThis.picker.revoked.add("picked-1"));
      await sleep(wait);
      const again = call(page, "w", "store", UID, RW);
      await clickInDialog(page, "cancel"); // the re-grant prompt: the browser said "prompt"
      assert.deepEqual(await again, { ok: true, value: false }, `query ${query}`);
      await context.close();
    }
  });
});
