// One thread of the model in direct_call.test.mjs: the caller (role 0) or the server (role 1)
// of worker/js/direct/call.js, whose every access to the shared words waits for the
// scheduler's turn. Schedules follow one another: each starts when the scheduler says go.
import { workerData } from "node:worker_threads";
import { Caller, Server, Kind, HEADER_WORDS } from "../../worker/js/direct/call.js";

const { role, calls, watched } = workerData;
const ctl = new Int32Array(workerData.ctl);
const data = new Int32Array(workerData.data, 0, HEADER_WORDS);
const results = new Int32Array(workerData.results);
const at = 8 * (role + 1);
const [REQ, A, B, C, GRANT, M0] = [0, 1, 2, 3, 4, 5];
const [STEP, WAIT, POST, RECV, NOTIFY, DONE] = [1, 2, 3, 4, 5, 9];

// Waits for the scheduler's turn for an access of kind `kind`; returns its answer.
function gate(kind, a = 0, b = 0, c = 0) {
  Atomics.store(ctl, at + A, a);
  Atomics.store(ctl, at + B, b);
  Atomics.store(ctl, at + C, c);
  Atomics.store(ctl, at + REQ, kind);
  Atomics.add(ctl, 0, 1);
  Atomics.notify(ctl, 0);
  Atomics.wait(ctl, at + GRANT, 0);
  const g = Atomics.load(ctl, at + GRANT);
  Atomics.store(ctl, at + GRANT, 0);
  return g;
}

const words = {
  load(i) {
    gate(STEP);
    return Atomics.load(data, i);
  },
  store(i, v) {
    gate(STEP);
    Atomics.store(data, i, v);
  },
  cas(i, from, to) {
    gate(STEP);
    return Atomics.compareExchange(data, i, from, to) === from;
  },
  wait(i, v, ms) {
    const g = gate(WAIT, i, v, Number.isFinite(ms) ? 1 : 0);
    return g === 1 ? "ok" : g === 2 ? "not-equal" : "timed-out";
  },
  notify(i) {
    gate(NOTIFY, i);
  },
};

// Findings, as the scheduler reads them: [problem, answers, timeouts, dropped, skipped].
const problem = (code) => Atomics.compareExchange(results, 0, 0, code);
const count = (i) => Atomics.add(results, i, 1);

function caller() {
  let seq = 0;
  // A doorbell [seq] (the requests' arguments go in the buffer).
  const post = (m) => {
    if (m.length !== 1) throw new Error(`a request in a message: ${JSON.stringify(m)}`);
    Atomics.store(ctl, at + M0, m[0]);
    gate(POST);
  };
  const c = new Caller(workerData.data, post, words);
  for (let n = 0; n < calls; n++) {
    // Each request carries 4 bytes of its own: its call number.
    const payload = new Uint8Array(4).fill(n + 1);
    // Calls with a deadline (which the scheduler may end at any wait) and calls without.
    const timeout = n % 2 ? Infinity : 1e9;
    try {
      const { kind, length } = c.call("op", [n + 1], payload, timeout);
      seq = c.seq;
      const own = kind === Kind.BYTES && length === 2 && c.area[0] === (seq & 255) && c.area[1] === n + 1;
      if (!own) problem(1);
      count(1);
    } catch (e) {
      if (e.name !== "TimeoutError") throw e;
      count(2);
    }
  }
}

function server() {
  const s = new Server(workerData.data, words);
  const payload = new Uint8Array(4);
  // Runs a call read from the buffer: [seq, op, n].
  const run = (call) => {
    const [seq, , n] = call;
    if (!s.take(seq, payload, 4)) {
      count(4);
      return;
    }
    if (call[1] !== "op" || payload.some((b) => b !== n)) problem(2);
    // The op itself takes a step (a slow op: the caller's deadline may pass meanwhile).
    gate(STEP);
    if (!s.answer(seq, 0, Kind.BYTES, new Uint8Array([seq & 255, n]))) count(3);
  };
  if (watched) {
    // Waits on the state word itself, from the value it last read.
    s.watch();
    for (;;) {
      const now = s.now();
      const call = s.pending(now);
      if (call) run(call);
      else if (Atomics.load(ctl, 8 + REQ) === DONE) return;
      else words.wait(0, now, Infinity);
    }
  }
  for (;;) {
    const g = gate(RECV);
    if (g === 4) return;
    if (g !== 1) continue;
    const call = s.rung(Atomics.load(ctl, at + M0));
    if (call) run(call);
  }
}

for (;;) {
  // The scheduler's go starts a schedule.
  Atomics.wait(ctl, at + GRANT, 0);
  Atomics.store(ctl, at + GRANT, 0);
  if (role === 0) caller();
  else server();
  Atomics.store(ctl, at + REQ, DONE);
  Atomics.add(ctl, 0, 1);
  Atomics.notify(ctl, 0);
}
