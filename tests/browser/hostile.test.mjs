// Hostile and foreign input to an attached host, sent by a real worker that writes the wire
// format by hand: each is ignored or answered with a clear error, the host keeps serving, and
// five hundred rounds of it do not grow memory.
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { ISOLATED, launch, openHost, ev, value, memory } from "./harness.mjs";

const T = { timeout: 120000 };

const raw = (page, cmd, ...args) => ev(page, ([c, a]) => globalThis.rawCall("raw", c, ...a), [cmd, args]);

describe("hostile and foreign messages to an attached host", () => {
  let browser;
  let page;
  let context;
  let problems;
  before(async () => {
    browser = await launch();
    ({ page, context, problems } = await openHost(browser, ISOLATED));
    await ev(page, () => globalThis.spawnRaw("raw"));
    await ev(page, () => globalThis.spawn("w"));
    await value(page, "w", "connect", { mode: "sab" });
  });
  after(async () => {
    await context?.close();
    await browser?.close();
  });

  it("other libraries' messages (strings, numbers, objects, transferables, look-alikes) are ignored", T, async () => {
    assert.equal(await raw(page, "foreign"), 13);
    assert.equal(await raw(page, "silence", 300), 0, "no answer to any of them");
    assert.deepEqual(await raw(page, "good", 1), { id: 1, answer: false });
    assert.equal(await value(page, "w", "delete", "/a"), false, "a real client is still served");
    assert.deepEqual(problems, []);
  });

  it("on a client's own port a yes or no comes as a bare number, to clients of version 2 on; older ones get bytes", T, async () => {
    assert.deepEqual(await raw(page, "onOwnPort", 7, 2), { number: 7 * 2 + 0 });
    assert.deepEqual(await raw(page, "onOwnPort", 8, 1), { id: 8, answer: false });
    assert.deepEqual(problems, []);
  });

  it("on its own port a client repeats its last request as a bare negative number; with nothing to repeat, a ProtocolError", T, async () => {
    const r = await raw(page, "repeatOnOwnPort", 20);
    assert.deepEqual(r.first, { number: 20 * 2 });
    assert.deepEqual(r.repeated, { number: 21 * 2 }, "call 21 asked what call 20 did");
    assert.equal(r.invalid?.name, "DataError", JSON.stringify(r.invalid));
    assert.equal(r.orphan?.id, 23, JSON.stringify(r.orphan));
    assert.equal(r.orphan.name, "ProtocolError");
    assert.match(r.orphan.message, /repeated request, with no request read in full/);
    assert.deepEqual(problems, []);
  });

  it("an async client on a BroadcastChannel is not misled by the bare numbers others post there", T, async () => {
    await ev(page, () => {
      host.attach(new BroadcastChannel("hostile-numbers"));
      return globalThis.spawn("bc", { attach: false });
    });
    assert.equal(await value(page, "bc", "connectOnChannel", "hostile-numbers", { mode: "async" }), "async");
    assert.deepEqual(await value(page, "bc", "deletesAmidNumbers", "hostile-numbers", 50), []);
    assert.deepEqual(problems, []);
  });

  const refused = [
    ["garbage", "ProtocolError", /malformed operation/],
    ["newer", "ProtocolError", /version 1000/],
    ["unknownOp", "ProtocolError", /unknown operation 9/],
    ["stray", "ProtocolError", /stray bytes/],
    ["longUid", "DataError", /uid/],
    ["emptyUid", "DataError", /uid/],
    ["oversize", "ProtocolError", /limit/],
    ["smallSab", "ProtocolError", /not a valid fshandles frame/],
    ["hugeSab", "ProtocolError", /not a valid fshandles frame/],
  ];
  for (const [cmd, name, says] of refused) {
    it(`${cmd}: answered with a ${name} that says why, and the next request is served`, T, async () => {
      const id = 100 + refused.findIndex(([c]) => c === cmd);
      const r = await raw(page, cmd, id);
      assert.equal(r?.name, name, JSON.stringify(r));
      assert.match(r.message, says);
      assert.deepEqual(await raw(page, "good", id + 1000), { id: id + 1000, answer: false });
      assert.deepEqual(problems, []);
    });
  }

  it("five hundred rounds of all of it leave memory where it was", T, async () => {
    const round = async (n) => {
      for (let i = 0; i < n; i++) {
        await raw(page, "foreign");
        for (const [cmd] of refused) assert.ok((await raw(page, cmd, 5000 + i))?.name, cmd);
      }
      await raw(page, "silence", 100);
    };
    await round(100); // warm-up: buffers and caches reach their working size
    const before = await memory(page);
    await round(500);
    const after = await memory(page);
    assert.equal(after.wasm, before.wasm, "wasm memory did not grow");
    assert.ok(after.heap < before.heap + 1024 * 1024, `JS heap grew from ${before.heap} to ${after.heap}`);
    assert.equal(await value(page, "w", "delete", "/a"), false);
    assert.deepEqual(problems, []);
  });
});
