// The interpreter's side of a direct mount's I/O worker: starts it (once, from the module's own
// URL) and makes blocking calls to it (call.js).
import { Caller, Kind, bufferBytes } from "./call.js";
import { E } from "../emscripten.js";

/** The name the I/O worker is started with: the module sees it and serves. */
export const IO_NAME = "fshandles-io";

/**
 * How much one answer carries; also what a read fetches ahead and a write gathers before it
 * goes out: big enough that a 1 MiB step is one call, small enough to bound memory.
 */
export const AREA = 1 << 20;

// How long a call may wait for the I/O worker before it fails with EIO: long enough for the
// browser to copy a big file into a write's swap file.
const CALL_TIMEOUT_MS = 300000;
const START_TIMEOUT_MS = 30000;

let starting = null;

/** The I/O worker, started once from `url` (the direct mount's module) and known to answer. */
export function ioWorker(url) {
  starting ??= startIo(url).catch((e) => {
    starting = null;
    throw e;
  });
  return starting;
}

async function startIo(url) {
  if (!globalThis.crossOriginIsolated || typeof SharedArrayBuffer === "undefined") {
    throw new DOMException("a direct mount needs a cross-origin isolated page (sab mode)", "NotSupportedError");
  }
  const worker = new Worker(url, { type: "module", name: IO_NAME });
  const sab = new SharedArrayBuffer(bufferBytes(AREA));
  await new Promise((resolve, reject) => {
    const fail = (why) => {
      worker.terminate();
      reject(new DOMException(`the I/O worker (${url}) did not start: ${why}`, "NotSupportedError"));
    };
    const timer = setTimeout(() => fail(`no answer in ${START_TIMEOUT_MS} ms`), START_TIMEOUT_MS);
    worker.onerror = (e) => fail(e.message || "it failed to load");
    worker.onmessage = ({ data }) => data?.ready && (clearTimeout(timer), resolve());
    worker.postMessage({ sab });
  });
  worker.onmessage = null;
  return new Link(new Caller(sab, (message) => worker.postMessage(message)));
}

const decoder = new TextDecoder();

/** A call the I/O worker answered with an errno (a mount throws it as FS.ErrnoError). */
export class Errno extends Error {
  constructor(errno, op) {
    super(`${op} failed (errno ${errno})`);
    this.name = "ErrnoError";
    this.errno = errno;
  }
}

/** Calls to the I/O worker, each waited for. */
class Link {
  constructor(caller) {
    this.caller = caller;
  }

  /**
   * Op `op` answered, waited for: its value (`{value, bytes}` for an answer WITH_BYTES), or an
   * `Errno` thrown. `payload` (at most
   * AREA bytes: a write's) goes to the I/O worker through the buffer too; answered bytes are
   * copied into `into` when it is given and big enough (a read's reused buffer). So streaming
   * a file allocates nothing per call on this side. `timeoutMs`: how long to wait (a lock's
   * wait is the program's to bound).
   */
  call(op, args, { payload = null, into = null, timeoutMs = CALL_TIMEOUT_MS } = {}) {
    const { caller } = this;
    const { length, kind } = this.ask(op, payload ? [...args, payload.byteLength] : args, payload, timeoutMs);
    if (kind === Kind.NONE) return undefined;
    // A copy: TextDecoder refuses shared memory, and the next call reuses the area.
    const bytes = into && into.byteLength >= length ? into.subarray(0, length) : new Uint8Array(length);
    bytes.set(caller.area.subarray(0, Math.min(length, caller.area.byteLength)));
    // The rest of an answer longer than the area (a long listing), piece by piece.
    const of = caller.seq;
    for (let at = caller.area.byteLength; at < length; at += caller.area.byteLength) {
      this.ask("more", [of, at]);
      bytes.set(caller.area.subarray(0, Math.min(length - at, caller.area.byteLength)), at);
    }
    if (kind === Kind.BYTES) return bytes;
    if (kind === Kind.JSON) return JSON.parse(decoder.decode(bytes));
    // A value and bytes (an open that read the file ahead): {value, bytes}.
    const n = new DataView(bytes.buffer, bytes.byteOffset).getUint32(0, true);
    return { value: JSON.parse(decoder.decode(bytes.subarray(4, 4 + n))), bytes: bytes.subarray(4 + n) };
  }

  /** Tells the I/O worker `op` with `args`, not waiting: for what cannot fail. */
  notify(op, args) {
    this.caller.notify(op, args);
  }

  ask(op, args, payload = null, timeoutMs = CALL_TIMEOUT_MS) {
    let answer;
    try {
      answer = this.caller.call(op, args, payload, timeoutMs);
    } catch (e) {
      if (e?.name !== "TimeoutError") throw e;
      console.warn(e.message);
      throw new Errno(E.IO, op);
    }
    if (answer.errno) throw new Errno(answer.errno, op);
    return answer;
  }
}
