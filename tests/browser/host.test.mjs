// FsHost called on the main thread itself, PyScript's record layout, frames, and a
// channel shared with other traffic.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { ISOLATED, PLAIN, useBrowser, openHost, ev, waitFor, click, call, value, picker, clickInDialog, activationLapsed, memory } from "./harness.mjs";

const T = { timeout: 60000 };
const UID = "/local@pyscript";

describe("FsHost on the main thread", () => {
  const browser = useBrowser();

  it("hosts made and freed one after another, hundreds of times, leave memory where it was", T, async () => {
    const { page, context, problems } = await openHost(browser(), PLAIN);
    const stored = ev(page, (uid) => globalThis.hostCall("storeFSHandler", uid, {}), UID);
    await clickInDialog(page, "authorize");
    assert.deepEqual(await stored, { ok: true, value: true });
    assert.deepEqual(await ev(page, (uid) => globalThis.hostChurn(uid, 500), UID), []); // warm-up
    const before = await memory(page);
    assert.deepEqual(await ev(page, (uid) => globalThis.hostChurn(uid, 500), UID), []);
    const after = await memory(page);
    assert.equal(after.wasm, before.wasm, "wasm memory did not grow");
    // Each host kept its IndexedDB connection open (about 250 bytes of heap a host) before.
    const grew = after.heap - before.heap;
    assert.ok(grew < 48 * 1024, `the JS heap grew ${grew} bytes over 500 hosts`);
    assert.deepEqual(problems, []);
    await context.close();
  });

  it("storeFSHandler, getFSHandler, handle and deleteFSHandler work from the page itself", T, async () => {
    const { page, context, problems } = await openHost(browser(), PLAIN);
    const stored = ev(page, (uid) => globalThis.hostCall("storeFSHandler", uid, { mode: "readwrite" }), UID);
    await clickInDialog(page, "authorize");
    assert.deepEqual(await stored, { ok: true, value: true });
    assert.deepEqual(await ev(page, (uid) => globalThis.hostCall("getFSHandler", uid, {}), UID), { ok: true, value: true });
    assert.deepEqual(await ev(page, (uid) => globalThis.hostCall("handle", uid), UID), { ok: true, value: "picked-1" });
    assert.deepEqual(await ev(page, (uid) => globalThis.hostCall("deleteFSHandler", uid), UID), { ok: true, value: true });
    const missing = await ev(page, (uid) => globalThis.hostCall("handle", uid), UID);
    assert.equal(missing.error.name, "NotFoundError");
    assert.equal(missing.error.isError, true, "rejections are Error objects");
    assert.equal((await picker(page)).calls, 1);
    assert.deepEqual(problems, []);
    await context.close();
  });

  it("bad arguments reject with a DataError, never a panic", T, async () => {
    const { page, context, problems } = await openHost(browser(), PLAIN);
    const cases = await ev(page, async () => {
      const out = [];
      for (const [m, args] of [
        ["storeFSHandler", [42, {}]],
        ["storeFSHandler", ["", {}]],
        ["storeFSHandler", ["/x@y", "readwrite"]],
        ["getFSHandler", ["/x@y", { mode: 1 }]],
        ["deleteFSHandler", [null]],
        ["handle", [{}]],
      ]) {
        out.push(await globalThis.hostCall(m, ...args));
      }
      let attach;
      try {
        globalThis.host.attach({});
      } catch (e) {
        attach = { name: e.name, isError: e instanceof Error };
      }
      let ctor;
      try {
        new globalThis.host.constructor({ namespace: "" });
      } catch (e) {
        ctor = e.name;
      }
      return { out, attach, ctor };
    });
    for (const r of cases.out) {
      assert.equal(r.ok, false);
      assert.equal(r.error.name, "DataError", JSON.stringify(r));
      assert.equal(r.error.isError, true);
    }
    assert.deepEqual(cases.attach, { name: "DataError", isError: true });
    assert.equal(cases.ctor, "DataError");
    assert.deepEqual(problems, []);
    await context.close();
  });

  it("reads records that PyScript wrote, including the bare-handle records of older versions", T, async () => {
    const { page, context } = await openHost(browser(), PLAIN);
    await ev(page, () => globalThis.putBareRecord("/old@pyscript", "legacy-folder"));
    await ev(page, () => globalThis.spawn("w"));
    await value(page, "w", "connect", { mode: "async" });
    assert.equal(await value(page, "w", "store", "/old@pyscript", {}), true);
    assert.equal(await value(page, "w", "handleName", "/old@pyscript"), "legacy-folder");
    assert.equal((await picker(page)).calls, 0);
    await context.close();
  });

  it("a namespace keeps records apart", T, async () => {
    const { page, context } = await openHost(browser(), PLAIN, "?ns=other");
    assert.equal(await ev(page, () => globalThis.host.namespace), "other");
    const stored = ev(page, (uid) => globalThis.hostCall("storeFSHandler", uid, {}), UID);
    await clickInDialog(page, "authorize");
    assert.equal((await stored).value, true);
    assert.equal((await ev(page, (uid) => globalThis.idbRecord(uid, "other"), UID)).handler, "picked-1");
    assert.equal(await ev(page, (uid) => globalThis.idbRecord(uid), UID), null, "nothing in PyScript's namespace");
    await context.close();
  });

  // The test page of the host, served from `hostOrigin`, in an iframe of a page of PLAIN's origin.
  async function hostInFrame(hostOrigin) {
    const context = await browser().newContext();
    const page = await context.newPage();
    const src = `${hostOrigin}/tests/browser/pages/host.html`;
    await page.goto(`${PLAIN}/tests/browser/pages/frame.html?src=${encodeURIComponent(src)}`);
    const frame = await (await page.waitForSelector("#child")).contentFrame();
    await frame.waitForFunction(() => globalThis.hostReady === true);
    return { context, frame };
  }

  it("in a cross-origin iframe, a SecurityError that says so, and no dialog", T, async () => {
    const { context, frame } = await hostInFrame(ISOLATED);
    const r = await frame.evaluate(() => globalThis.hostCall("storeFSHandler", "/x@y", {}));
    assert.equal(r.ok, false);
    assert.equal(r.error.name, "SecurityError");
    assert.match(r.error.message, /cross-origin iframe/);
    assert.equal(await frame.evaluate(() => globalThis.dialogOpen()), 0);
    await context.close();
  });

  it("in a same-origin iframe the host prompts and stores as on a top-level page", T, async () => {
    const { context, frame } = await hostInFrame(PLAIN);
    const stored = frame.evaluate(() => globalThis.hostCall("storeFSHandler", "/x@y", {}));
    // With no click to use, the host shows its dialog in the frame: Authorize gives it one.
    const settled = await Promise.race([stored.then(() => "answered"), frame.waitForSelector("dialog.fshandles-dialog[open]").then(() => "dialog")]);
    if (settled === "dialog") await frame.click(".fshandles-authorize");
    const r = await stored;
    assert.deepEqual(r, { ok: true, value: true }, "not refused as a cross-origin frame is");
    assert.equal(await frame.evaluate(() => globalThis.picker.calls), 1, "the picker opened once");
    await context.close();
  });

  it("other traffic on the worker's channel is left alone, and the host keeps answering", T, async () => {
    const { page, context, problems } = await openHost(browser(), PLAIN);
    await ev(page, () => globalThis.spawn("w"));
    await value(page, "w", "connect", { mode: "async" });
    // The test worker's own replies ({test, ok, value}) already share the channel; add more.
    await ev(page, () => {
      const w = globalThis.workers.get("w").worker;
      for (const m of ["hello", 42, null, { fshandles: "not bytes" }, { fshandles: new Uint8Array([1, 2, 3]) }, new Uint8Array(8)]) {
        w.dispatchEvent(new MessageEvent("message", { data: m }));
      }
    });
    assert.equal(await value(page, "w", "delete", UID), false);
    assert.deepEqual(problems, []);
    await context.close();
  });

  it("syncMethods() has PyScript's semantics: store, re-grant by getFSHandler(options) without a picker, delete", T, async () => {
    const { page, context, problems } = await openHost(browser(), PLAIN, "?permissions");
    await ev(page, () => void (globalThis.m = globalThis.host.syncMethods()));
    const early = await ev(page, () => globalThis.m.getFSHandler({ mode: "readwrite" }).catch((e) => e.name));
    assert.equal(early, "NotFoundError", "getFSHandler before any storeFSHandler");
    const stored = ev(page, (uid) => globalThis.m.storeFSHandler(uid, { id: "pyscript", mode: "readwrite" }), UID);
    await clickInDialog(page, "authorize");
    assert.equal(await stored, true);
    await ev(page, () => globalThis.picker.revoked.add("picked-1"));
    await activationLapsed(page);
    const regranted = ev(page, () => globalThis.m.getFSHandler({ id: "pyscript", mode: "readwrite" }));
    await clickInDialog(page, "authorize");
    assert.equal(await regranted, true);
    const p = await picker(page);
    assert.equal(p.calls, 1, "re-granted on the stored folder, no second picker");
    assert.deepEqual(p.revoked, []);
    assert.deepEqual(await ev(page, (uid) => Promise.all([globalThis.m.deleteFSHandler(uid), globalThis.m.deleteFSHandler(uid)]), UID), [true, false]);
    assert.deepEqual(problems, []);
    await context.close();
  });

  it("attach is idempotent and detach reports whether the worker was attached", T, async () => {
    const { page, context } = await openHost(browser(), PLAIN);
    await ev(page, () => globalThis.spawn("w"));
    await value(page, "w", "connect", { mode: "async" });
    const r = await ev(page, () => {
      const w = globalThis.workers.get("w").worker;
      globalThis.host.attach(w);
      return [globalThis.host.detach(w), globalThis.host.detach(w)];
    });
    assert.deepEqual(r, [true, false]);
    await context.close();
  });
});
