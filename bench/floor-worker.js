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
