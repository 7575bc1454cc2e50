// The blocking call between an interpreter's thread and its I/O worker, over one
// SharedArrayBuffer: the interpreter (the caller) cannot await in the middle of a read(), so it
// sleeps in Atomics.wait until the I/O worker (the server) has written the answer.
//
// The buffer: eight Int32 words, the request area, then the data area.
//
// | word | meaning                                                                           |
// |------|-----------------------------------------------------------------------------------|
// | 0    | STATE: `seq << 3 | phase`, the only word anyone waits on or compares-and-swaps    |
// | 1    | ERRNO: 0, or the errno the call failed with                                       |
// | 2    | LENGTH: the answer's length in bytes (it may be longer than the area: "more")     |
// | 3    | KIND: NONE, JSON or BYTES                                                         |
// | 4    | REQUEST: the request's length in the request area (0: it came in a message)       |
// | 5    | WATCHED: 1 where the server waits on STATE itself (Atomics.waitAsync)             |
// | 32.. | the request area: `[op, ...args]` as JSON                                         |
// | then | the data area: a request's payload (a write's bytes), then the answer's           |
//
// One call: the caller writes the request and the payload, sets `(seq, REQUESTED)`, and rings:
// an `Atomics.notify` where the server watches the state word, else a message `[seq]`. A
// request whose arguments JSON cannot carry (a folder's handle) goes in the message, `[seq, op,
// ...args]`. The server reads the request, copies the payload, then takes the call
// (`REQUESTED → TAKEN`, a compare-and-swap), runs it, claims the answer (`TAKEN → WRITING`),
// writes it, sets `ANSWERED` and notifies. A caller that stops waiting (its deadline passed)
// moves `REQUESTED` or `TAKEN` to `IDLE` by compare-and-swap, so:
// - an answer for a call nobody waits for any more is never written: the server's claim fails
//   before it touches the area, and the next call can never read it as its own;
// - a request given up before it was taken is never run, and a request or payload read is
//   used only if the take that follows the read succeeds (the areas may already hold the next
//   call's bytes);
// - a caller never gives up on a call whose answer is being written (microseconds);
// - the state word changes before every notify, and the call number is in it: no wake-up is
//   lost, and a late `ANSWERED` of call n can never end the wait of call n + 1. A server that
//   watches waits from the value it last read, so a request set in between ends its wait at
//   once.
// A notice (call number 0) is a message alone: the server runs it in turn and answers nothing.
// tests/node/direct_call.test.mjs runs these steps in threads under a scheduler that
// interleaves them one shared-memory access at a time, rung both ways.

export const HEADER_WORDS = 8;
const STATE = 0;
const ERRNO = 1;
const LENGTH = 2;
const KIND = 3;
const REQUEST = 4;
const WATCHED = 5;

/** How long a request's JSON may be in the buffer; a longer one goes in a message. */
export const REQUEST_BYTES = 1 << 16;

/** The buffer's size for a data area of `area` bytes. */
export const bufferBytes = (area) => HEADER_WORDS * 4 + REQUEST_BYTES + area;

/** Where a call is (the low three bits of the state word). */
export const Phase = Object.freeze({ IDLE: 0, REQUESTED: 1, TAKEN: 2, WRITING: 3, ANSWERED: 4 });

/**
 * What an answer's bytes are. WITH_BYTES: a JSON value and bytes, as `u32 (little-endian) JSON
 * length ‖ JSON ‖ bytes`.
 */
export const Kind = Object.freeze({ NONE: 0, JSON: 1, BYTES: 2, WITH_BYTES: 3 });

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

/** The request area of `sab`. */
const requestArea = (sab) => new Uint8Array(sab, HEADER_WORDS * 4, REQUEST_BYTES);

/** The data area of `sab`. */
const dataArea = (sab) => new Uint8Array(sab, HEADER_WORDS * 4 + REQUEST_BYTES);

/** A call whose deadline passed before it was answered; `op` names it. */
export class CallTimeout extends Error {
  constructor(op, ms) {
    super(`fshandles: the I/O worker did not answer ${op} in ${ms} ms`);
    this.name = "TimeoutError";
  }
}

const plain = (v) => v === null || typeof v === "string" || typeof v === "number" || typeof v === "boolean";
const encoder = new TextEncoder();

/** The interpreter's side: one call at a time, each waited for. */
export class Caller {
  /**
   * @param {SharedArrayBuffer} sab the buffer both sides have
   * @param {(message: unknown[]) => void} post posts a message to the server
   */
  constructor(sab, post, words = atomics(sab)) {
    this.request = requestArea(sab);
    this.area = dataArea(sab);
    this.post = post;
    this.words = words;
    this.seq = 0;
    this.json = new Uint8Array(REQUEST_BYTES); // TextEncoder refuses to write into shared memory
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
    // 1 to SEQ_MASK: 0 is a notice's.
    const seq = (this.seq = (this.seq % SEQ_MASK) + 1);
    let length = 0;
    if (args.every(plain)) {
      const json = JSON.stringify([op, ...args]);
      const { read, written } = encoder.encodeInto(json, this.json);
      if (read === json.length) {
        this.request.set(this.json.subarray(0, written));
        length = written;
      }
    }
    w.store(REQUEST, length);
    if (payload) this.area.set(payload);
    w.store(STATE, state(seq, Phase.REQUESTED));
    if (!length) this.post([seq, op, ...args]);
    else if (w.load(WATCHED)) w.notify(STATE);
    else this.post([seq]);
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

const decoder = new TextDecoder();

/** The I/O worker's side. */
export class Server {
  /** @param {SharedArrayBuffer} sab the buffer both sides have */
  constructor(sab, words = atomics(sab)) {
    this.request = requestArea(sab);
    this.area = dataArea(sab);
    this.words = words;
    this.int32 = new Int32Array(sab, 0, HEADER_WORDS);
    this.copy = new Uint8Array(REQUEST_BYTES); // TextDecoder refuses shared memory
    this.last = 0; // the last call whose request was read from the buffer
  }

  /** Says that this server waits on the state word itself: a caller rings with a notify. */
  watch() {
    this.words.store(WATCHED, 1);
  }

  /** Whether this browser lets a server wait on the state word (Atomics.waitAsync). */
  static get canWatch() {
    return typeof Atomics.waitAsync === "function";
  }

  /** A promise that settles once the state word may have changed from `s`. */
  changed(s) {
    const r = Atomics.waitAsync(this.int32, STATE, s);
    return r.async ? r.value : Promise.resolve(r.value);
  }

  /** The state word, to wait on. */
  now() {
    return this.words.load(STATE);
  }

  /**
   * The call in the buffer as of state `s` (from `now`), if it is a new request whose op is in
   * the buffer: `[seq, op, ...args]`, else null. (A torn read is dropped by `take`.)
   */
  pending(s) {
    const seq = (s >>> 3) & SEQ_MASK;
    if ((s & 7) !== Phase.REQUESTED || seq === this.last) return null;
    const length = this.words.load(REQUEST);
    if (!length) return null; // it comes in a message
    this.last = seq;
    this.copy.set(this.request.subarray(0, length));
    try {
      return [seq, ...JSON.parse(decoder.decode(this.copy.subarray(0, length)))];
    } catch {
      return [seq, "torn"];
    }
  }

  /**
   * The call a doorbell `[seq]` rang for, read from the buffer; null when it was read already
   * (the server watches too) or given up.
   */
  rung(seq) {
    const s = this.now();
    return s === state(seq, Phase.REQUESTED) ? this.pending(s) : null;
  }

  /**
   * Takes call `seq` before running it, with the first `length` bytes of the area copied into
   * `into` (a request's payload; none when `into` is null). False: the caller gave the call up,
   * and it must not run (what was read of it may be another call's).
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
