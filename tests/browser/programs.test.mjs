// What real programs do. A sab worker that stores its folder itself and then calls in
// a loop that never returns to its event loop; bursts of calls far beyond a few in flight.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { ISOLATED, PLAIN, useBrowser, openHost, ev, call, value, picker, clickInDialog, memory } from "./harness.mjs";

const T = { timeout: 600000 };
const UID = "/local@pyscript";

// A sab worker "w" that stores its folder itself (the person authorizes) and goes straight on
// into a loop of `n` calls with no yield; resolves with the loop's result.
async function storeThenLoop(page, n) {
  await ev(page, () => globalThis.spawn("w"));
  assert.equal(await value(page, "w", "connect", { mode: "sab" }), "sab");
  const looped = call(page, "w", "loop", UID, n, { options: { id: "pyscript", mode: "readwrite" }, storeFirst: true });
  await clickInDialog(page, "authorize");
  const r = await looped;
  assert.ok(r.ok, JSON.stringify(r));
  assert.deepEqual(r.value.wrong, []);
  return r.value;
}

describe("real programs", () => {
  const browser = useBrowser();

  for (const mode of ["sab", "async"]) {
    it(`${mode}: a worker that connects a client per task, a thousand times, grows no memory on either side`, T, async () => {
      const { page, context, problems } = await openHost(browser(), ISOLATED);
      await ev(page, () => globalThis.spawn("w"));
      assert.equal(await value(page, "w", "connect", { mode }), mode);
      const stored = call(page, "w", "store", UID, {});
      await clickInDialog(page, "authorize");
      assert.deepEqual(await stored, { ok: true, value: true });
      const warm = await value(page, "w", "churn", UID, mode, 200);
      const before = await memory(page);
      const after = { worker: await value(page, "w", "churn", UID, mode, 1000), ...(await memory(page)) };
      assert.equal(after.worker, warm, "the worker's wasm memory did not grow");
      assert.equal(after.wasm, before.wasm, "the host's wasm memory did not grow");
      assert.ok(after.heap < before.heap + 2 * 1024 * 1024, `the page's JS heap grew from ${before.heap} to ${after.heap}`);
      assert.equal(await value(page, "w", "store", UID, {}), true, "the first client still works");
      assert.deepEqual(problems, []);
      await context.close();
    });
  }

  it("a sab worker stores its folder itself, then makes 100,000 calls without yielding", T, async () => {
    const { page, context, problems } = await openHost(browser(), ISOLATED);
    await storeThenLoop(page, 3000);
    const r = await value(page, "w", "loop", UID, 100000);
    assert.deepEqual(r.wrong, []);
    assert.deepEqual(r.names, ["picked-1"]);
    assert.equal(r.handles, 2000);
    assert.equal((await picker(page)).calls, 1);
    console.log(`100,000 blocking calls in ${r.ms} ms`);
    assert.deepEqual(problems, []);
    await context.close();
  });

  it("a sab worker that loops across many permission re-checks is sent its folder once, not again at each", T, async () => {
    // A 5 ms permission TTL: the host asks the browser (and re-reads the record) every few
    // hundred calls. A worker that never yields would find a message with the same folder
    // queued for it after each, never read.
    const ttl = 5;
    const { page, context, problems } = await openHost(browser(), ISOLATED, `?ttl=${ttl}`);
    await ev(page, () => {
      globalThis.handlesPosted = 0;
      for (const C of [MessagePort, Worker]) {
        const post = C.prototype.postMessage;
        C.prototype.postMessage = function (message, transfer) {
          if (message instanceof Object && "handle" in message) globalThis.handlesPosted += 1;
          return post.call(this, message, transfer);
        };
      }
    });
    const { ms } = await storeThenLoop(page, 20000);
    const rechecks = Math.floor(ms / ttl);
    assert.ok(rechecks >= 10, `the loop took ${ms} ms: too few re-checks to tell`);
    assert.equal(await ev(page, () => globalThis.handlesPosted), 1, `over ${rechecks} re-checks`);
    assert.deepEqual(problems, []);
    await context.close();
  });

  it("a burst of async calls that outlives the permission TTL re-checks once a TTL, not once a call", T, async () => {
    const ttl = 20;
    const { page, context, problems } = await openHost(browser(), ISOLATED, `?ttl=${ttl}`);
    const stored = ev(page, (uid) => globalThis.hostCall("storeFSHandler", uid, {}), UID);
    await clickInDialog(page, "authorize");
    assert.deepEqual(await stored, { ok: true, value: true });
    const names = Array.from({ length: 8 }, (_, i) => `w${i}`);
    await ev(page, (ns) => Promise.all(ns.map((n) => globalThis.spawn(n))), names);
    for (const name of names) assert.equal(await value(page, name, "connect", { mode: "async" }), "async");
    // Each re-check reads the record from IndexedDB once: count the reads.
    const { results, reads, ms } = await ev(
      page,
      async ([ns, uid]) => {
        let reads = 0;
        const get = IDBObjectStore.prototype.get;
        IDBObjectStore.prototype.get = function (...args) {
          reads += 1;
          return get.apply(this, args);
        };
        const started = performance.now();
        const results = await Promise.all(ns.map((name) => globalThis.call(name, "burst", uid, 2000)));
        const ms = performance.now() - started;
        IDBObjectStore.prototype.get = get;
        return { results, reads, ms };
      },
      [names, UID],
    );
    for (const [i, r] of results.entries()) {
      assert.ok(r.ok, JSON.stringify(r.error));
      assert.deepEqual(r.value, { calls: 2000, wrong: [], errors: {} }, names[i]);
    }
    // One re-check at a time, and each leaves a grant good for `ttl` ms.
    const most = Math.ceil(ms / ttl) + 1;
    assert.ok(reads <= most, `${reads} re-checks in ${Math.round(ms)} ms: at most ${most} expected`);
    assert.deepEqual(problems, []);
    await context.close();
  });

  for (const [workers, calls] of [[8, 1500], [16, 2000]]) {
    it(`${workers} workers × ${calls} calls all in flight at once, sab and async alternating: no error, one picker`, T, async () => {
      const { page, context, problems } = await openHost(browser(), ISOLATED);
      const names = Array.from({ length: workers }, (_, i) => `w${i}`);
      await ev(page, (ns) => Promise.all(ns.map((n) => globalThis.spawn(n))), names);
      for (const [i, name] of names.entries()) {
        const mode = i % 2 ? "async" : "sab";
        assert.equal(await value(page, name, "connect", { mode }), mode);
      }
      // Nothing is stored yet: the first call to arrive prompts, every other one waits for it.
      const results = ev(
        page,
        ([ns, uid, n]) => Promise.all(ns.map((name) => globalThis.call(name, "burst", uid, n))),
        [names, UID, calls],
      );
      await clickInDialog(page, "authorize", { timeout: 60000 });
      for (const [i, r] of (await results).entries()) {
        assert.ok(r.ok, JSON.stringify(r.error));
        assert.deepEqual(r.value, { calls, wrong: [], errors: {} }, names[i]);
      }
      const served = await ev(page, (ns) => ns.map((n) => globalThis.served(n)), names);
      assert.deepEqual(served, names.map(() => calls), "every call answered once");
      assert.equal((await picker(page)).calls, 1);
      assert.deepEqual(problems, []);
      await context.close();
    });
  }

  for (const [mode, base] of [["sab", ISOLATED], ["async", PLAIN]]) {
    it(`a plain wasm-bindgen Rust worker (no gloo), ${mode} mode: stores its folder, then 10,000 calls in a row`, T, async () => {
      const { page, context, problems } = await openHost(browser(), base);
      await ev(page, () => globalThis.spawn("rust", { script: "/tests/browser/support/plain-rust-worker.js" }));
      const run = call(page, "rust", "run", UID, 10000);
      await clickInDialog(page, "authorize");
      const r = await run;
      assert.ok(r.ok, JSON.stringify(r.error));
      assert.equal(r.value, `${mode}: 10000 of 10000 granted, folder picked-1`);
      assert.deepEqual(problems, []);
      await context.close();
    });
  }
});
