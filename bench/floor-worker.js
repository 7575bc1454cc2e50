// The floors: the least a sync (SharedArrayBuffer + Atomics.wait) and an async (postMessage)
// call from a worker to the main thread can cost.
import { serve, timeAsync, timeSync } from "./timing.js";

const next = (i) => i + 1;

serve(async ({ kind, port, ...job }) => {
  if (kind === "sab") {
    const i32 = new Int32Array(new SharedArrayBuffer(8));
    port.postMessage(i32);
    const call = (i) => {
      Atomics.store(i32, 0, 0);
      port.postMessage(i);
      Atomics.wait(i32, 0, 0);
      return i32[1];
    };
    return timeSync(call, next, job);
  }
  if (kind === "sab-wait") {
    // No message at all: the main thread waits on the buffer (Atomics.waitAsync). Word 0 is
    // the request number, word 1 the answer, word 2 says answered.
    const i32 = new Int32Array(new SharedArrayBuffer(12));
    port.postMessage(i32);
    Atomics.wait(i32, 2, 0, 1000); // until the main thread says it waits
    const pause = job.pauseMs ?? 0;
    const call = (i) => {
      if (pause) for (const until = performance.now() + pause; performance.now() < until; );
      Atomics.store(i32, 2, 0);
      Atomics.store(i32, 0, i + 1);
      Atomics.notify(i32, 0);
      // Spin briefly before blocking, as fshandles does: a waiting thread is slower to wake.
      const until = performance.now() + 0.2;
      while (Atomics.load(i32, 2) === 0 && performance.now() < until);
      Atomics.wait(i32, 2, 0);
      return i32[1];
    };
    const times = timeSync(call, next, job);
    Atomics.store(i32, 0, -1); // done: the main thread stops waiting
    Atomics.notify(i32, 0);
    return times;
  }
  let settle = null;
  port.onmessage = ({ data }) => settle(data);
  if (kind === "post-bytes") {
    const call = (i) =>
      new Promise((resolve) => {
        settle = ({ bytes }) => resolve(bytes[0]);
        const bytes = new Uint8Array(64);
        bytes[0] = i & 0x7f;
        port.postMessage({ bytes });
      });
    return timeAsync(call, (i) => (i & 0x7f) + 1, job);
  }
  const call = (i) =>
    new Promise((resolve) => {
      settle = resolve;
      port.postMessage(i);
    });
  return timeAsync(call, next, job);
});
