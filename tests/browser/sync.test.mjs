// Choosing the mode, and a sab mode that never hangs.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { ISOLATED, PLAIN, useBrowser, openHost, ev, waitFor, click, call, value, picker, setPicker, clickInDialog, collectGarbage, activationLapsed } from "./harness.mjs";

// A browser test that hangs fails instead of stalling the run.
const T = { timeout: 60000 };

const UID = "/local@pyscript";
const RW = { id: "pyscript", mode: "readwrite" };

describe("sab mode", () => {
  const browser = useBrowser();

  async function page(base, workers = {}, query = "") {
    const session = await openHost(browser(), base, query);
    for (const [name, { attach = true, ...options }] of Object.entries(workers)) {
      await ev(session.page, ([n, a]) => globalThis.spawn(n, { attach: a }), [name, attach]);
      await value(session.page, name, "connect", options);
    }
    return session;
  }

  it("auto picks sab on a cross-origin isolated page", T, async () => {
    const { page: p, context } = await page(ISOLATED);
    await ev(p, () => globalThis.spawn("w"));
    assert.equal(await value(p, "w", "isolated"), true);
    assert.equal(await value(p, "w", "connect", { mode: "auto" }), "sab");
    assert.equal(await value(p, "w", "connect", {}), "sab");
    await context.close();
  });

  it("without COOP/COEP, auto falls back to async and works; forcing sab is a clear error", T, async () => {
    const { page: p, context } = await page(PLAIN);
    await ev(p, () => globalThis.spawn("w"));
    assert.equal(await value(p, "w", "isolated"), false);
    const forced = await call(p, "w", "connect", { mode: "sab" });
    assert.equal(forced.ok, false);
    assert.equal(forced.error.name, "NotSupportedError");
    assert.match(forced.error.message, /cross-origin isolated/);
    assert.equal(await value(p, "w", "connect", { mode: "auto" }), "async");
    const answer = call(p, "w", "store", UID, RW);
    await clickInDialog(p, "authorize");
    assert.deepEqual(await answer, { ok: true, value: true });
    await context.close();
  });

  it("bad connect options are a DataError", T, async () => {
    const { page: p, context } = await page(ISOLATED);
    await ev(p, () => globalThis.spawn("w"));
    for (const options of [{ mode: "fast" }, { timeoutMs: -1 }, { timeoutMs: "soon" }, { port: 3 }, 7]) {
      const r = await call(p, "w", "connect", options);
      assert.equal(r.error?.name, "DataError", JSON.stringify(options));
    }
    await context.close();
  });

  // Each also on a host without Atomics.waitAsync, where a sab worker rings by message.
  for (const [name, mode, query] of [["sab", "sab", ""], ["sab, doorbells", "sab", "?nowaitasync"], ["async", "async", ""]]) {
    it(`${name}: with no host attached, a call fails with TimeoutError after timeoutMs, and the worker recovers`, T, async () => {
      const { page: p, context } = await page(ISOLATED, { w: { attach: false, mode, timeoutMs: 300 } }, query);
      const started = Date.now();
      const r = await call(p, "w", "store", UID, RW);
      const took = Date.now() - started;
      assert.equal(r.ok, false);
      assert.equal(r.error.name, "TimeoutError");
      assert.match(r.error.message, /no FsHost answered within 300 ms/);
      assert.ok(took >= 300, `answered after ${took} ms`);
      // Attach now: the same client works.
      await ev(p, () => globalThis.host.attach(globalThis.workers.get("w").worker));
      assert.equal(await value(p, "w", "delete", UID), false);
      const answer = call(p, "w", "store", UID, RW);
      await clickInDialog(p, "authorize");
      assert.deepEqual(await answer, { ok: true, value: true });
      await context.close();
    });

    it(`${name}: a prompt slower than timeoutMs still succeeds (the host acknowledged it)`, T, async () => {
      const { page: p, context } = await page(ISOLATED, { w: { mode, timeoutMs: 250 } }, query);
      await setPicker(p, { delayMs: 1200 });
      const answer = call(p, "w", "store", UID, RW);
      // Wait past the timeout before answering the dialog, too.
      await new Promise((r) => setTimeout(r, 600));
      await clickInDialog(p, "authorize");
      assert.deepEqual(await answer, { ok: true, value: true });
      await context.close();
    });

    for (const how of ["detach", "free"]) {
      it(`${name}: a worker ended after ${how === "free" ? "host.free()" : "detach"} is not kept alive by the host, nor its buffer`, T, async () => {
        const { page: p, context } = await page(ISOLATED, { w: { mode } }, query);
        const answer = call(p, "w", "store", UID, RW);
        await clickInDialog(p, "authorize");
        assert.deepEqual(await answer, { ok: true, value: true });
        assert.equal(await value(p, "w", "store", UID, RW), true, "a store-hit, rung as this host is rung");
        const link = await ev(p, () => globalThis.link("w"));
        assert.equal(link, mode === "async" ? null : query ? 1 : 3, "rung by message only where the host cannot wait");
        const sab = await ev(p, () => globalThis.workers.get("w").buffer !== null);
        assert.equal(sab, mode === "sab", "the page saw the shared buffer cross (sab mode only)");
        await ev(p, (h) => globalThis.forget("w", h), how);
        // A worker is collected some time after it ends; the host must not be what holds it.
        const free = { worker: false, buffer: false };
        let alive = { worker: true, buffer: sab };
        for (let i = 0; i < 20 && (alive.worker || alive.buffer); i++) {
          await (await collectGarbage(p)).detach();
          alive = await ev(p, (n) => globalThis.alive(n), "w");
          if (alive.worker || alive.buffer) await new Promise((r) => setTimeout(r, 100));
        }
        assert.deepEqual(alive, free, "still reachable after 20 collections");
        await context.close();
      });
    }

    if (mode === "sab") {
      it(`${name}: a worker stores its folder itself, then 3000 calls without yielding are all answered rightly`, T, async () => {
        const { page: p, context, problems } = await page(ISOLATED, { w: { mode } }, query);
        const looped = call(p, "w", "loop", UID, 3000, { options: RW, storeFirst: true });
        await clickInDialog(p, "authorize");
        const r = await looped;
        assert.ok(r.ok, JSON.stringify(r));
        assert.deepEqual(r.value.wrong, []);
        assert.deepEqual(r.value.names, ["picked-1"]);
        // The host rings by message only where it cannot wait on the buffer.
        assert.equal(await ev(p, () => globalThis.link("w")), query ? 1 : 3);
        assert.deepEqual(problems, []);
        await context.close();
      });
    }

    it(`${name}: promptTimeoutMs bounds the wait for a person, on every call`, T, async () => {
      const { page: p, context } = await page(ISOLATED, { w: { mode, timeoutMs: 250, promptTimeoutMs: 400 } }, query);
      const first = await call(p, "w", "store", UID, RW);
      // The next request finds the host known but busy (300 ms on the main thread), so a sab
      // worker may block before the host takes the call; it must then be woken to start its
      // clock. (Not every run gets there: with both cores loaded, the first call without the
      // wake hung 3 times in 8.)
      const second = await ev(p, ([uid, o]) => {
        const answer = globalThis.call("w", "store", uid, o);
        for (const until = performance.now() + 300; performance.now() < until; );
        return answer;
      }, [UID, RW]);
      for (const r of [first, second]) {
        assert.equal(r.error?.name, "TimeoutError", JSON.stringify(r));
        assert.match(r.error.message, /no answer within 400 ms/);
      }
      await context.close();
    });
  }

  it("a reply longer than the shared buffer is not truncated: the worker resumes with a larger one", T, async () => {
    const { page: p, context } = await page(ISOLATED, { w: { mode: "sab", bufferBytes: 1024 } });
    const long = "a picker failure that explains itself at length; ".repeat(30);
    await ev(p, (m) => {
      globalThis.picker.mode = "fail";
      globalThis.picker.failMessage = m;
    }, long);
    const answer = call(p, "w", "store", UID, RW);
    await clickInDialog(p, "authorize");
    const r = await answer;
    assert.equal(r.ok, false);
    assert.equal(r.error.name, "UnknownError");
    assert.equal(r.error.message, long, "the whole message came through");
    // The grown buffer is kept: the next call works.
    assert.equal(await value(p, "w", "delete", UID), false);
    await context.close();
  });

  it("a picker that throws something other than an error: an UnknownError that prints what it threw", T, async () => {
    const { page: p, context } = await page(ISOLATED, { w: { mode: "sab" } });
    const thrown = [
      ["42", /^42$/],
      ["Symbol('odd')", /^Symbol\(odd\)$/],
      ["Object.assign(() => {}, { toString() { throw 1; } })", /^a value that cannot be printed$/],
    ];
    for (const [js, says] of thrown) {
      await ev(p, (code) => {
        globalThis.clickArmed = false;
        globalThis.picker.mode = "throw";
        globalThis.picker.thrown = (0, eval)(code);
      }, js);
      // Asked from a click, so the picker runs at once whether or not the last click's
      // activation has lapsed.
      const answer = ev(p, ([uid, o]) => globalThis.callOnClick("w", "store", uid, o), [UID, RW]);
      await waitFor(p, () => globalThis.clickArmed);
      await click(p, "#act");
      const r = await answer;
      assert.equal(r.error?.name, "UnknownError", `${js}: ${JSON.stringify(r)}`);
      assert.match(r.error.message, says, js);
    }
    await context.close();
  });

  it("handle() after a sync store needs no second round trip", T, async () => {
    const { page: p, context } = await page(ISOLATED, { w: { mode: "sab" } });
    const answer = call(p, "w", "store", UID, RW);
    await clickInDialog(p, "authorize");
    assert.equal((await answer).value, true);
    const served = await ev(p, () => globalThis.host.served(globalThis.workers.get("w").worker));
    assert.equal(await value(p, "w", "handleName", UID), "picked-1");
    assert.equal(await ev(p, () => globalThis.host.served(globalThis.workers.get("w").worker)), served);
    await context.close();
  });

  it("eight sab workers served, idle or blocked on a person: the main thread waits, it does not poll", T, async () => {
    const names = Array.from({ length: 8 }, (_, i) => `w${i}`);
    const { page: p, context } = await page(ISOLATED, Object.fromEntries(names.map((n) => [n, { mode: "sab" }])));
    const first = call(p, "w0", "store", UID, RW);
    await clickInDialog(p, "authorize");
    assert.deepEqual(await first, { ok: true, value: true });
    // Each of the others is served once (a store-hit), so the host now waits on all eight
    // buffers; then one blocks on a folder nobody has picked yet: a dialog waits for a person.
    for (const n of names.slice(1)) assert.equal(await value(p, n, "store", UID, RW), true);
    await activationLapsed(p);
    const blocked = call(p, "w7", "store", "/other@pyscript", RW);
    await waitFor(p, () => globalThis.dialogOpen() === 1, null, { what: "the dialog for w7's store" });
    // For one second, count what could wake the main thread on its own, and its busy time.
    await ev(p, () => {
      const counted = [[Atomics, "waitAsync"], [globalThis, "setTimeout"], [globalThis, "setInterval"], [globalThis, "queueMicrotask"], [globalThis, "requestAnimationFrame"]];
      globalThis.wakeUps = Object.fromEntries(counted.map(([, name]) => [name, 0]));
      for (const [owner, name] of counted) {
        const real = owner[name];
        owner[name] = function (...args) {
          globalThis.wakeUps[name] += 1;
          return real.apply(this, args);
        };
      }
    });
    const cdp = await context.newCDPSession(p);
    await cdp.send("Performance.enable");
    const busy = async () => (await cdp.send("Performance.getMetrics")).metrics.find((m) => m.name === "TaskDuration").value;
    const busyBefore = await busy();
    await new Promise((r) => setTimeout(r, 1000));
    const busyMs = 1000 * ((await busy()) - busyBefore);
    const wakeUps = await ev(p, () => globalThis.wakeUps);
    assert.deepEqual(wakeUps, { waitAsync: 0, setTimeout: 0, setInterval: 0, queueMicrotask: 0, requestAnimationFrame: 0 });
    assert.ok(busyMs < 300, `the main thread was busy ${busyMs.toFixed(1)} ms of 1000 with nothing to do`);
    // And the waits still work: the person answers, and a watched worker is served at once.
    await clickInDialog(p, "authorize");
    assert.deepEqual(await blocked, { ok: true, value: true });
    assert.equal(await value(p, "w3", "store", UID, RW), true);
    assert.ok((await ev(p, () => globalThis.wakeUps.waitAsync)) >= 1, "the host waits on the buffers again after serving");
    await cdp.detach();
    await context.close();
  });

  it("two sab workers and one async worker share one host at once", T, async () => {
    const { page: p, context } = await page(ISOLATED, {
      a: { mode: "sab" },
      b: { mode: "sab" },
      c: { mode: "async" },
    });
    const answers = ["a", "b", "c"].map((w) => call(p, w, "store", UID, RW));
    await clickInDialog(p, "authorize");
    for (const r of await Promise.all(answers)) assert.deepEqual(r, { ok: true, value: true });
    assert.equal((await picker(p)).calls, 1);
    // Then a burst of mixed calls from all three.
    const burst = await Promise.all(
      ["a", "b", "c"].map((w) => value(p, w, "many", "store", Array.from({ length: 50 }, () => [UID, RW]))),
    );
    for (const answers of burst) assert.deepEqual(answers, Array(50).fill(true));
    for (const w of ["a", "b", "c"]) {
      await value(p, w, "writeFile", UID, `from-${w}.txt`, w);
      assert.equal(await ev(p, (f) => globalThis.readFile("picked-1", f), `from-${w}.txt`), w);
    }
    await context.close();
  });
});
