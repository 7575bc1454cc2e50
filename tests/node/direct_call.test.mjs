// The direct mount's blocking call (worker/js/direct/call.js), its real steps in real threads:
// - under a scheduler that lets one shared-memory access happen at a time and picks which at
//   random (a wait may end by a notify or, for a call with a deadline, by its deadline at any
//   point), through thousands of interleavings: every call ends with its own answer or its
//   timeout, a request given up is never run with another call's bytes, and no wake-up is lost;
// - freely, with real time: a server that answers after the caller gave up, and the next call
//   gets its own answer.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { Worker } from "node:worker_threads";
import { Caller, Kind, HEADER_WORDS, bufferBytes } from "../../worker/js/direct/call.js";
import { random } from "./random.mjs";

const THREAD = new URL("./direct_call_thread.mjs", import.meta.url);

// The control words the scheduler and the two threads share (see direct_call_thread.mjs).
const C = { DOORBELL: 0, SLOT: 8, REQ: 0, A: 1, B: 2, C: 3, GRANT: 4, M0: 5 };
const R = { RUNNING: 0, STEP: 1, WAIT: 2, POST: 3, RECV: 4, NOTIFY: 5, DONE: 9 };
const G = { GO: 1, NOT_EQUAL: 2, TIMED_OUT: 3, NONE: 2, CLOSED: 4 };
const THREADS = 2; // 0: the caller, 1: the server
const base = (t) => C.SLOT * (t + 1);

const AREA = 64;
const CALLS = 4;
const MAX_STEPS = 5000;

describe("the direct mount's blocking call", () => {
  for (const watched of [false, true]) {
  it(`every interleaving, rung by ${watched ? "notify (the server waits on the state word)" : "message"}: each call gets its own answer or its timeout; no stale bytes, no lost wake-up`, async () => {
    const ctl = new Int32Array(new SharedArrayBuffer(4 * C.SLOT * (THREADS + 1)));
    const data = new SharedArrayBuffer(bufferBytes(AREA));
    const results = new Int32Array(new SharedArrayBuffer(4 * 64));
    const threads = [0, 1].map((role) => new Worker(THREAD, { workerData: { role, ctl: ctl.buffer, data, results: results.buffer, calls: CALLS, watched } }));
    const failed = [];
    for (const w of threads) w.on("error", (e) => failed.push(e));
    const schedules = Number(process.env.FSH_MODEL_SCHEDULES ?? 3000);
    const seen = { timeouts: 0, answers: 0, dropped: 0, skipped: 0 };
    try {
      for (let n = 0; n < schedules; n++) {
        const seed = 0x9e3779b9 ^ (n * 7919);
        const outcome = schedule(ctl, data, results, random(seed));
        assert.equal(failed.length, 0, String(failed[0]));
        assert.equal(outcome.problem, undefined, `schedule ${n} (seed ${seed}): ${outcome.problem}`);
        for (const k of Object.keys(seen)) seen[k] += outcome[k];
      }
    } finally {
      await Promise.all(threads.map((w) => w.terminate()));
    }
    // The schedules reached every case: calls answered, calls given up before and after they
    // were taken, answers dropped.
    assert.ok(seen.answers > 0 && seen.timeouts > 0 && seen.dropped > 0 && seen.skipped > 0, JSON.stringify(seen));
  });
  }

  it("real time: an answer that comes after the caller gave up is dropped; the next call gets its own", async () => {
    const data = new SharedArrayBuffer(bufferBytes(AREA));
    const { port1, port2 } = new MessageChannel();
    const server = new Worker(new URL("./direct_call_server.mjs", import.meta.url), { workerData: { data, port: port2 }, transferList: [port2] });
    try {
      await new Promise((resolve) => server.once("online", resolve));
      const caller = new Caller(data, (m) => port1.postMessage(m));
      // The server takes 300 ms over "slow"; the caller gives up after 50.
      assert.throws(() => caller.call("slow", [300], null, 50), { name: "TimeoutError" });
      const answer = caller.call("echo", [3], new Uint8Array([7, 8, 9]), 5000);
      assert.deepEqual([answer.errno, answer.kind, [...caller.area.subarray(0, answer.length)]], [0, Kind.BYTES, [2, 7, 8, 9]]);
      // The late answer of the slow call did not land meanwhile either.
      const again = caller.call("echo", [1], new Uint8Array([1]), 5000);
      assert.deepEqual([...caller.area.subarray(0, again.length)], [3, 1]);
    } finally {
      port1.close();
      await server.terminate();
    }
  });
});

// Runs one schedule: both threads start, and each shared-memory access waits for its turn.
function schedule(ctl, data, results, pick) {
  new Int32Array(data).fill(0);
  results.fill(0);
  const queue = [];
  const blocked = new Map(); // thread -> {index, notified, finite}
  const words = new Int32Array(data, 0, HEADER_WORDS);
  let steps = 0;
  const grant = (t, code) => {
    Atomics.store(ctl, base(t) + C.REQ, R.RUNNING);
    Atomics.store(ctl, base(t) + C.GRANT, code);
    Atomics.notify(ctl, base(t) + C.GRANT);
  };
  // Start: each thread waits on its grant word for the schedule's first go.
  for (let t = 0; t < THREADS; t++) grant(t, G.GO);
  for (;;) {
    // Until every thread stands at an access (or is done).
    for (;;) {
      const bell = Atomics.load(ctl, C.DOORBELL);
      if ([0, 1].every((t) => Atomics.load(ctl, base(t) + C.REQ) !== R.RUNNING)) break;
      Atomics.wait(ctl, C.DOORBELL, bell, 1000);
    }
    const req = [0, 1].map((t) => Atomics.load(ctl, base(t) + C.REQ));
    if (req.every((r) => r === R.DONE)) break;
    if (++steps > MAX_STEPS) return { problem: `no progress after ${MAX_STEPS} steps: ${JSON.stringify({ req, blocked: [...blocked] })}` };
    const options = [];
    for (let t = 0; t < THREADS; t++) {
      if (req[t] === R.DONE) continue;
      const b = blocked.get(t);
      if (!b) options.push(["run", t]);
      else {
        if (b.notified) options.push(["wake", t]);
        if (b.finite) options.push(["expire", t]);
        // A server that waits for calls looks again once the caller is done, and ends.
        if (t === 1 && req[0] === R.DONE) options.push(["wake", t]);
      }
    }
    if (!options.length) return { problem: `deadlock: every thread waits and nothing will wake it (${JSON.stringify([...blocked])})` };
    const [what, t] = options[pick(options.length)];
    const at = base(t);
    if (what === "wake") {
      blocked.delete(t);
      grant(t, G.GO);
    } else if (what === "expire") {
      blocked.delete(t);
      grant(t, G.TIMED_OUT);
    } else if (req[t] === R.WAIT) {
      // The check and the sleep are one step, as in Atomics.wait.
      const index = Atomics.load(ctl, at + C.A);
      if (Atomics.load(words, index) !== Atomics.load(ctl, at + C.B)) grant(t, G.NOT_EQUAL);
      else blocked.set(t, { index, notified: false, finite: Atomics.load(ctl, at + C.C) === 1 });
    } else if (req[t] === R.NOTIFY) {
      const index = Atomics.load(ctl, at + C.A);
      for (const b of blocked.values()) if (b.index === index) b.notified = true;
      grant(t, G.GO);
    } else if (req[t] === R.POST) {
      queue.push([0, 1, 2].map((i) => Atomics.load(ctl, at + C.M0 + i)));
      grant(t, G.GO);
    } else if (req[t] === R.RECV) {
      const m = queue.shift();
      if (m) m.forEach((v, i) => Atomics.store(ctl, at + C.M0 + i, v));
      grant(t, m ? G.GO : req[0] === R.DONE ? G.CLOSED : G.NONE);
    } else {
      grant(t, G.GO);
    }
  }
  // The threads' own findings (direct_call_thread.mjs writes them).
  const [problem, answers, timeouts, dropped, skipped] = [0, 1, 2, 3, 4].map((i) => results[i]);
  const problems = ["", "a call got another call's answer", "the server ran a request with another call's bytes", "an answer came with no call waiting"];
  return problem ? { problem: problems[problem] ?? `problem ${problem}` } : { answers, timeouts, dropped, skipped };
}

