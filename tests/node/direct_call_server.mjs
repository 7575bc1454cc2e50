// The server of direct_call.test.mjs's real-time test: worker/js/direct/call.js's Server,
// answering "echo" (call number, then its payload of the length it is given) at once and
// "slow" after the milliseconds it is given.
import { workerData } from "node:worker_threads";
import { Server, Kind } from "../../worker/js/direct/call.js";

const server = new Server(workerData.data);
const payload = new Uint8Array(16);
let queue = Promise.resolve();
workerData.port.onmessage = ({ data: [rung] }) => {
  // A doorbell: the request is in the buffer.
  const [seq, op, n] = server.rung(rung) ?? [];
  if (!seq) return;
  queue = queue.then(async () => {
    if (op === "slow") {
      if (!server.take(seq)) return;
      await new Promise((resolve) => setTimeout(resolve, n));
      server.answer(seq, 0, Kind.BYTES, new Uint8Array([seq]));
      return;
    }
    if (!server.take(seq, payload, n)) return;
    server.answer(seq, 0, Kind.BYTES, new Uint8Array([seq, ...payload.subarray(0, n)]));
  });
};
