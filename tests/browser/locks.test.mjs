// Locks by name for programs: `client.lock(name, fn)` in JS, `FsClient::lock` in Rust,
// `fshandles.lock(name)` in Python (plain `with` in sab mode, `async with` in both) are one Web
// Lock for every worker and tab of the origin: they exclude each other and the page's own
// `navigator.locks`, time out when asked to, and refuse what is not a lock.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { ISOLATED, PLAIN, useBrowser, openHost, ev, call, value, waitFor } from "./harness.mjs";
import { python, openPage, helpers, crashFree, go } from "./python.mjs";

const T = { timeout: 180000 };

// The page holds the lock `name` until `release(page, name)`.
const hold = (page, name) =>
  ev(page, (n) => {
    globalThis.heldLocks ??= {};
    return new Promise((taken) => navigator.locks.request(n, () => (taken(true), new Promise((r) => (globalThis.heldLocks[n] = r)))));
  }, name);
const release = (page, name) => ev(page, (n) => globalThis.heldLocks[n](), name);
const heldBy = (page, name) => ev(page, async (n) => (await navigator.locks.query()).held.filter((l) => l.name === n).length, name);

describe("locks by name", () => {
  const browser = useBrowser();

  for (const [mode, base] of [["sab", ISOLATED], ["async", PLAIN]]) {
    it(`JS, ${mode} mode: two workers count under client.lock, yielding inside it: none lost`, T, async () => {
      const { page, context, problems } = await openHost(browser(), base);
      await ev(page, () => Promise.all(["a", "b"].map((n) => globalThis.spawn(n))));
      for (const w of ["a", "b"]) assert.equal(await value(page, w, "connect", { mode }), mode);
      const counts = await Promise.all(["a", "b"].map((w) => value(page, w, "lockCount", "count", "lock-counter.txt", 30)));
      assert.deepEqual(counts, [30, 30]);
      const n = await ev(page, async () => (await (await (await navigator.storage.getDirectory()).getFileHandle("lock-counter.txt")).getFile()).text());
      assert.equal(n, "60");
      assert.deepEqual(problems, []);
      await context.close();
    });
  }

  it("JS: a lock the page holds times the worker's wait out (TimeoutError), then is had; misuse is a DataError", T, async () => {
    const { page, context } = await openHost(browser(), ISOLATED);
    await ev(page, () => globalThis.spawn("w"));
    await value(page, "w", "connect", {});
    await hold(page, "shared");
    const r = await call(page, "w", "lockRun", "shared", { timeoutMs: 100 });
    assert.deepEqual([r.ok, r.error?.name], [false, "TimeoutError"]);
    const waiting = call(page, "w", "lockRun", "shared");
    await release(page, "shared");
    assert.deepEqual(await waiting, { ok: true, value: "ran" });
    assert.deepEqual(await value(page, "w", "lockRefusals"), ["DataError", "DataError", "DataError", "DataError", "DataError"]);
    await context.close();
  });

  for (const [mode, base] of [["sab", ISOLATED], ["async", PLAIN]]) {
    it(`Rust (FsClient::lock), ${mode} mode: waits out a held lock to its timeout; holds one, and dropping the guard lets go`, T, async () => {
      const { page, context, problems } = await openHost(browser(), base);
      await ev(page, () => globalThis.spawn("rust", { script: "/tests/browser/support/plain-rust-worker.js" }));
      await hold(page, "rust-lock");
      const timedOut = await call(page, "rust", "lock", "rust-lock", 100, 0);
      assert.deepEqual([timedOut.ok, timedOut.error?.name], [false, "TimeoutError"]);
      await release(page, "rust-lock");
      const holding = call(page, "rust", "lock", "rust-lock", 0, 1500);
      await waitFor(page, async () => (await navigator.locks.query()).held.some((l) => l.name === "rust-lock"), null, { timeout: 10000, what: "the Rust worker to hold rust-lock" });
      // Meanwhile the page cannot have it.
      assert.equal(await ev(page, () => navigator.locks.request("rust-lock", { ifAvailable: true }, (l) => l !== null)), false);
      assert.deepEqual(await holding, { ok: true, value: "held rust-lock" });
      assert.equal(await heldBy(page, "rust-lock"), 0, "the dropped guard let go");
      assert.deepEqual(problems, []);
      await context.close();
    });
  }

  for (const type of ["py", "mpy"]) {
    it(`${type}: fshandles.lock waits, times out, refuses re-entry, and excludes the page`, T, async () => {
      const context = await browser().newContext();
      const { page, problems } = await openPage(ISOLATED, context);
      await hold(page, "py-lock");
      await python(page, type, `${helpers()}
import fshandles
await fshandles.mount("/d")
out = {}
def name_of(e):
    return type(e).__name__
try:
    with fshandles.lock("py-lock", timeout=0.1):
        out["blocking"] = "taken"
except Exception as e:
    out["blocking"] = name_of(e)
try:
    async with fshandles.lock("py-lock", timeout=0.1):
        out["async"] = "taken"
except Exception as e:
    out["async"] = name_of(e)
report(step="timed-out", out=out)
await wait_go()
# The page let go: taken, then held while the page looks.
with fshandles.lock("py-lock"):
    try:
        with fshandles.lock("py-lock"):
            pass
    except RuntimeError:
        out["reentry"] = "RuntimeError"
    report(step="holding", out=out)
    await wait_go()
async with fshandles.lock("py-lock"):
    report(step="holding-async")
    await wait_go()
report(step="done")
`, "timed-out", { answer: "authorize" });
      const timedOut = await crashFree(page, "timed-out");
      const timeout = type === "py" ? "TimeoutError" : "OSError";
      assert.deepEqual(timedOut.out, { blocking: timeout, async: timeout });
      await release(page, "py-lock");
      await go(page);
      const holding = await crashFree(page, "holding");
      assert.equal(holding.out.reentry, "RuntimeError");
      // Held by the worker (its I/O worker, for the plain with): the page cannot have it.
      assert.equal(await ev(page, () => navigator.locks.request("py-lock", { ifAvailable: true }, (l) => l !== null)), false);
      await go(page);
      await crashFree(page, "holding-async");
      assert.equal(await ev(page, () => navigator.locks.request("py-lock", { ifAvailable: true }, (l) => l !== null)), false);
      await go(page);
      await crashFree(page, "done");
      assert.equal(await heldBy(page, "py-lock"), 0);
      assert.deepEqual(problems, []);
      await context.close();
    });
  }

  it("py, async mode: async with fshandles.lock works; plain with says it needs sab mode and a direct mount", T, async () => {
    const context = await browser().newContext();
    const { page } = await openPage(PLAIN, context);
    await python(page, "py", `
import fshandles
out = {}
async with fshandles.lock("plain"):
    out["async"] = "taken"
try:
    with fshandles.lock("plain"):
        pass
except RuntimeError as e:
    out["blocking"] = str(e)
report(step="done", out=out)
`, "done");
    const r = await crashFree(page, "done");
    assert.equal(r.out.async, "taken");
    assert.match(r.out.blocking, /sab mode and a direct mount/);
    await context.close();
  });
});
