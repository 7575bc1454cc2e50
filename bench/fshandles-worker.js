// fshandles from a worker: store-hits in sab and async mode, and the mount handshake (a store,
// then the handle, ready for mountNativeFS).
import init, { FsClient } from "/dist/worker/fshandles_worker.js";
import { serve, timeAsync, timeSync } from "./timing.js";

const ready = init();
const yes = () => true;

serve(async ({ kind, uid, options, ...job }) => {
  await ready;
  if (kind === "sab") {
    const client = FsClient.connect({ mode: "sab" });
    return timeSync(() => client.storeFSHandler(uid, options), yes, job);
  }
  if (kind === "own") {
    // What a Python loop or a Rust worker does: store the folder itself, then call, never yielding.
    const client = FsClient.connect({ mode: "sab" });
    if (client.storeFSHandler(uid, options) !== true) throw new Error("the first store was refused");
    return timeSync(() => client.storeFSHandler(uid, options), yes, job);
  }
  if (kind === "user") {
    // What users write (the fshandles package, any Python loop): a fresh options object on every call,
    // and a little work of the worker's own between calls.
    // `sameOptions`: the bench's one object instead, to tell the two costs apart.
    const client = FsClient.connect({ mode: "sab" });
    const pause = job.pauseMs ?? 0;
    const call = () => {
      for (const until = performance.now() + pause; performance.now() < until; );
      return client.storeFSHandler(uid, job.sameOptions ? options : { id: "pyscript", mode: "readwrite" });
    };
    return timeSync(call, yes, job);
  }
  if (kind === "async") {
    const client = FsClient.connect({ mode: "async" });
    return timeAsync(() => client.storeFSHandler(uid, options), yes, job);
  }
  const client = FsClient.connect({ mode: "sab" });
  const handshake = async () => {
    if (!client.storeFSHandler(uid, options)) return false;
    const handle = await client.handle(uid);
    return handle.kind === "directory";
  };
  return timeAsync(handshake, yes, job);
});
