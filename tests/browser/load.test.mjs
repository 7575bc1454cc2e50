// Load: 16 workers × 1000 calls at once, sab and async clients mixed, on one host.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { ISOLATED, useBrowser, openHost, ev, value, clickInDialog, memory } from "./harness.mjs";

const T = { timeout: 300000 };
const UID = "/load@pyscript";
const WORKERS = 16;
const CALLS = 1000;

// Starts WORKERS workers (even ones sab, odd ones async), runs CALLS calls in each at once,
// and checks every answer and the host's count of answers; then detaches and ends them.
async function round(page, tag) {
  const names = Array.from({ length: WORKERS }, (_, i) => `${tag}-${i}`);
  await ev(page, (ns) => Promise.all(ns.map((n) => globalThis.spawn(n))), names);
  for (const [i, name] of names.entries()) {
    assert.equal(await value(page, name, "connect", { mode: i % 2 ? "async" : "sab" }), i % 2 ? "async" : "sab");
  }
  const results = await ev(
    page,
    ([ns, uid, n]) => Promise.all(ns.map((name) => globalThis.call(name, "load", uid, n))),
    [names, UID, CALLS],
  );
  for (const [i, r] of results.entries()) {
    assert.ok(r.ok, JSON.stringify(r.error));
    assert.deepEqual(r.value, { calls: CALLS, wrong: [] }, names[i]);
  }
  // Every call answered exactly once: the host counts what it answered, per worker.
  const served = await ev(page, (ns) => ns.map((n) => globalThis.served(n)), names);
  assert.deepEqual(served, names.map(() => CALLS));
  await ev(page, (ns) => ns.forEach((n) => { globalThis.detach(n); globalThis.terminate(n); }), names);
}

describe("load", () => {
  const browser = useBrowser();

  it(`${WORKERS} workers × ${CALLS} calls at once, sab and async mixed: every call answered once, rightly; no leak`, T, async () => {
    const { page, context, problems } = await openHost(browser(), ISOLATED);
    const stored = ev(page, (uid) => globalThis.hostCall("storeFSHandler", uid, {}), UID);
    await clickInDialog(page, "authorize");
    assert.deepEqual(await stored, { ok: true, value: true });
    await round(page, "a"); // warm-up: the host's buffers reach their working size
    const before = await memory(page);
    await round(page, "b");
    const after = await memory(page);
    assert.equal(after.wasm, before.wasm, "wasm memory did not grow");
    assert.ok(after.heap < before.heap + 2 * 1024 * 1024, `JS heap grew from ${before.heap} to ${after.heap}`);
    assert.equal(await ev(page, () => globalThis.host.pendingPrompts), 0);
    assert.deepEqual(problems, []);
    await context.close();
  });
});
