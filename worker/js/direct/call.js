// The blocking call between an interpreter's thread and its I/O worker, over one
// SharedArrayBuffer: the interpreter (the caller) cannot await in the middle of a read(), so it
// sleeps in Atomics.wait until the I/O worker (the server) has written the answer.
//
// The buffer: four Int32 words, then the area.
//
// | word | meaning                                                                         |
// |------|---------------------------------------------------------------------------------|
// | 0    | STATE: `seq << 3 | phase`, the only word anyone waits on or compares-and-swaps  |
// | 1    | ERRNO: 0, or the errno the call failed with                                     |
// | 2    | LENGTH: the answer's length in bytes (it may be longer than the area: "more")   |
// | 3    | KIND: NONE, JSON or BYTES                                                       |
// | 16.. | the area: a request's payload (a write's bytes), then the answer's              |
//
// A notice (call number 0) is a message alone: the server runs it in turn and answers nothing.
//
// One call: the caller writes the payload, sets `(seq, REQUESTED)` and posts `[seq, op,
// ...args]`; the server copies the payload, then takes the call (`REQUESTED → TAKEN`, a
// compare-and-swap), runs it, claims the answer (`TAKEN → WRITING`), writes it, sets `ANSWERED`
// and notifies. A caller that stops waiting (its deadline passed) moves `REQUESTED` or `TAKEN`
// to `IDLE` by compare-and-swap, so:
// - an answer for a call nobody waits for any more is never written: the server's claim fails
//   before it touches the area, and the next call can never read it as its own;
// - a request given up before it was taken is never run, and a payload is used only if the
//   take that follows its copy succeeds (the area may already hold the next call's bytes);
// - a caller never gives up on a call whose answer is being written (microseconds);
// - the state word changes before every notify, and the call number is in it: no wake-up is
//   lost, and a late `ANSWERED` of call n can never end the wait of call n + 1.
// tests/node/direct_call.test.mjs runs these steps in threads under a scheduler that
// interleaves them one shared-memory access at a time.

export const HEADER_WORDS = 4;
const STATE = 0;
const ERRNO = 1;
const LENGTH = 2;
const KIND = 3;

/** Where a call is (the low three bits of the state word). */
export const Phase = Object.freeze({ IDLE: 0, REQUESTED: 1, TAKEN: 2, WRITING: 3, ANSWERED: 4 });

/** What an answer's bytes are. */
export const Kind = Object.freeze({ NONE: 0, JSON: 1, BYTES: 2 });

const SEQ_MASK = (1 << 28) - 1;

/** The state word of call `seq` in `phase`. */
export const state = (seq, phase) => ((seq & SEQ_MASK) << 3) | phase;

/** The words of `sab`, through Atomics: what the steps below use (a test gives its own). */
export function atomics(sab) {
  const w = new Int32Array(sab, 0, HEADER_WORDS);
  return {
    load: (i) => Atomics.load(w, i),
    store: (i, v) => Atomics.store(w, i, v),
    cas: (i, from, to) => Atomics.compareExchange(w, i, from, to) === from,
    wait: (i, v, ms) => Atomics.wait(w, i, v, ms),
    notify: (i) => Atomics.notify(w, i),
  };
}

/** A call whose deadline passed before it was answered; `op` names it. */
export class CallTimeout extends Error {
  constructor(op, ms) {
    super(`fshandles: the I/O worker did not answer ${op} in ${ms} ms`);
    this.name = "TimeoutError";
  }
}

/** The interpreter's side: one call at a time, each waited for. */
export class Caller {
  /**
   * @param {SharedArrayBuffer} sab the buffer both sides have
   * @param {(message: unknown[]) => void} post posts a request to the server
   */
  constructor(sab, post, words = atomics(sab)) {
    this.area = new Uint8Array(sab, HEADER_WORDS * 4);
    this.post = post;
    this.words = words;
    this.seq = 0;
  }

  /** Tells the server `op` with `args`, wanting no answer: it runs in turn with the calls. */
  notify(op, args) {
    this.post([0, op, ...args]);
  }

  /**
   * Asks `op` with `args` (and `payload` in the area, at most its size) and blocks until it is
   * answered or `timeoutMs` has passed (then throws `CallTimeout`: the call may still run, but
   * its answer is dropped). Returns `{errno, length, kind}`; the answer's bytes are in `area`
   * until the next call.
   */
  call(op, args, payload, timeoutMs) {
    const w = this.words;
    // 1 to SEQ_MASK: 0 is a notice's (a message that wants no answer: see `notify`).
    const seq = (this.seq = (this.seq % SEQ_MASK) + 1);
    if (payload) this.area.set(payload);
    w.store(STATE, state(seq, Phase.REQUESTED));
    this.post([seq, op, ...args]);
    const answered = state(seq, Phase.ANSWERED);
    const writing = state(seq, Phase.WRITING);
    const deadline = performance.now() + timeoutMs;
    let expired = false;
    for (;;) {
      const s = w.load(STATE);
      if (s === answered) return { errno: w.load(ERRNO), length: w.load(LENGTH), kind: w.load(KIND) };
      if (s === writing) {
        w.wait(STATE, s, Infinity);
        continue;
      }
      const left = deadline - performance.now();
      if (expired || left <= 0) {
        // Give the call up, unless the server claimed it this very moment.
        if (w.cas(STATE, s, state(seq, Phase.IDLE))) throw new CallTimeout(op, timeoutMs);
        continue;
      }
      expired = w.wait(STATE, s, left) === "timed-out";
    }
  }
}

/** The I/O worker's side. */
export class Server {
  /** @param {SharedArrayBuffer} sab the buffer both sides have */
  constructor(sab, words = atomics(sab)) {
    this.area = new Uint8Array(sab, HEADER_WORDS * 4);
    this.words = words;
  }

  /**
   * Takes call `seq` before running it, with the first `length` bytes of the area copied into
   * `into` (a request's payload; none when `into` is null). False: the caller gave the call up,
   * and it must not run (the copy may hold another call's bytes).
   */
  take(seq, into = null, length = 0) {
    if (into) into.set(this.area.subarray(0, length));
    return this.words.cas(STATE, state(seq, Phase.REQUESTED), state(seq, Phase.TAKEN));
  }

  /**
   * Answers call `seq` with `errno` and `bytes` (of `kind`; the first area-full when longer):
   * false, and nothing written, when the caller no longer waits for it.
   */
  answer(seq, errno, kind = Kind.NONE, bytes = null) {
    const w = this.words;
    if (!w.cas(STATE, state(seq, Phase.TAKEN), state(seq, Phase.WRITING))) return false;
    const length = bytes ? bytes.byteLength : 0;
    if (bytes) this.area.set(length > this.area.byteLength ? bytes.subarray(0, this.area.byteLength) : bytes);
    w.store(ERRNO, errno);
    w.store(LENGTH, length);
    w.store(KIND, kind);
    w.store(STATE, state(seq, Phase.ANSWERED));
    w.notify(STATE);
    return true;
  }
}
