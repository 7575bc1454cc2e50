// Watching from JS and Rust workers: `client.watch` (an async iterator of `{type, path}`
// batches, by a stored folder's uid or its handle) and `FsClient::watch` (a futures Stream), in
// both modes, observed (Chromium's FileSystemObserver) and polled. The page creates, modifies,
// renames and removes files in the folder while the worker waits; each change is told; the
// folder removed ends the watch with NotFoundError; `break` stops it; bad options are refused.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { ISOLATED, PLAIN, useBrowser, openHost, ev, call, value, clickInDialog } from "./harness.mjs";

const T = { timeout: 180000 };
const UID = "/local@pyscript";

// What the page does to the folder the worker picked ("picked-1"), by its own handles.
const act = (page, what, ...args) =>
  ev(page, async ([what, args]) => {
    const dir = await (await navigator.storage.getDirectory()).getDirectoryHandle("picked-1", { create: true });
    if (what === "write") {
      const w = await (await dir.getFileHandle(args[0], { create: true })).createWritable();
      await w.write(args[1]);
      await w.close();
    } else if (what === "move") {
      await (await dir.getFileHandle(args[0])).move(args[1]);
    } else if (what === "remove") {
      await dir.removeEntry(args[0]);
    } else if (what === "removeFolder") {
      await (await navigator.storage.getDirectory()).removeEntry("picked-1", { recursive: true });
    }
  }, [what, args]);

// Steps of the page and the changes each must bring: a file made and written may come as added
// alone or as added and modified (the writable's two steps), so `want` lists what must be there.
const STEPS = [
  [["write", "a.txt", "one"], ["added a.txt"]],
  [["write", "a.txt", "two"], ["modified a.txt"]],
  [["move", "a.txt", "b.txt"], ["added b.txt", "deleted a.txt"]],
  [["remove", "b.txt"], ["deleted b.txt"]],
];

// Runs the steps against a worker whose watch is started: after each, reads batches
// (`next()`: the changes of one or more) until all it must bring were told.
async function steps(page, next) {
  for (const [[what, ...args], want] of STEPS) {
    await act(page, what, ...args);
    const told = [];
    while (!want.every((c) => told.includes(c))) {
      const r = await next();
      told.push(...r.told);
      assert.ok(!r.ended, `${what}: the watch ended: ${JSON.stringify(r)}, told ${JSON.stringify(told)}`);
    }
  }
}

describe("watching from JS and Rust workers", () => {
  const browser = useBrowser();

  for (const [mode, base] of [["sab", ISOLATED], ["async", PLAIN]]) {
    for (const polled of [false, true]) {
      it(`JS (client.watch), ${mode} mode${polled ? ", polled" : ""}: each change told; the folder removed ends it`, T, async () => {
        const { page, context, problems } = await openHost(browser(), base);
        await ev(page, () => globalThis.spawn("w"));
        assert.equal(await value(page, "w", "connect", { mode }), mode);
        const stored = call(page, "w", "store", UID, {});
        await clickInDialog(page, "authorize");
        assert.deepEqual(await stored, { ok: true, value: true });
        const options = polled ? { how: "poll", pollMs: 50 } : { stepMs: 30 };
        assert.equal(await value(page, "w", "watchStart", UID, options, polled), polled ? "poll" : "observer");
        await steps(page, () => value(page, "w", "watchNext", 1));
        await act(page, "removeFolder");
        const end = await value(page, "w", "watchNext", 100);
        assert.equal(end.ended, "NotFoundError", JSON.stringify(end));
        assert.deepEqual(problems, []);
        await context.close();
      });
    }

    it(`Rust (FsClient::watch), ${mode} mode: the Stream tells each change; polled too; the folder removed ends it`, T, async () => {
      const { page, context, problems } = await openHost(browser(), base);
      await ev(page, () => globalThis.spawn("rust", { script: "/tests/browser/support/plain-rust-worker.js" }));
      const started = call(page, "rust", "watchStart", UID, false);
      await clickInDialog(page, "authorize");
      assert.deepEqual(await started, { ok: true, value: "Observer" });
      const next = async (n = 1) => {
        const r = await call(page, "rust", "watchNext", n);
        return r.ok ? { told: r.value } : { told: [], ended: r.error?.name };
      };
      await steps(page, next);
      assert.equal((await call(page, "rust", "watchStop")).ok, true);
      // Polled: the same changes, from the folder's listing.
      assert.deepEqual(await call(page, "rust", "watchStart", UID, true), { ok: true, value: "Poll" });
      await steps(page, next);
      await act(page, "removeFolder");
      assert.deepEqual(await next(100), { told: [], ended: "NotFoundError" });
      assert.deepEqual(problems, []);
      await context.close();
    });
  }

  it("JS: break stops the watch; what client.watch refuses is a DataError, a uid never stored a NotFoundError", T, async () => {
    const { page, context } = await openHost(browser(), ISOLATED);
    await ev(page, () => globalThis.spawn("w"));
    await value(page, "w", "connect", { mode: "sab" });
    const stored = call(page, "w", "store", UID, {});
    await clickInDialog(page, "authorize");
    await stored;
    await value(page, "w", "watchStart", UID, { stepMs: 30 });
    await act(page, "write", "x.txt", "x");
    const r = await value(page, "w", "watchNext", 1, true);
    assert.ok(r.told.includes("added x.txt"), JSON.stringify(r));
    assert.equal(r.stopped, true, "the loop's break stopped the watch");
    assert.deepEqual(await value(page, "w", "watchRefusals", UID), ["DataError", "DataError", "DataError", "NotFoundError"]);
    await context.close();
  });
});
