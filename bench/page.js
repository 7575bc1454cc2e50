// The main thread of the benchmark: a real FsHost, PyScript's storeFSHandler on coincident and
// idb-map, a Comlink endpoint and the two floors, each answering a worker that times N calls.
// `globalThis.bench(row, {n, batches})` runs one row and resolves with each batch's milliseconds.
import init, { FsHost } from "/dist/main/fshandles_main.js";
import coincident from "/node_modules/coincident/dist/main.js";
import * as Comlink from "/node_modules/comlink/dist/esm/comlink.mjs";
import IDBMap from "/node_modules/@webreflection/idb-map/index.js";

// The one stand-in: the native picker, which a headless browser cannot click, hands out an
// origin-private folder. queryPermission and requestPermission are the browser's own.
globalThis.showDirectoryPicker = async () => {
  const root = await navigator.storage.getDirectory();
  return root.getDirectoryHandle("bench", { create: true });
};

export const UID = { fshandles: "/data@fshandles", pyscript: "/data@pyscript" };
const OPTIONS = { id: "pyscript", mode: "readwrite" };

await init();
const host = new FsHost();

// PyScript 0.7.31's storeFSHandler, as in @pyscript/core/src/sync.js, over the same IDBMap
// namespace (src/fs.js). Only its store-hit path runs here: one IndexedDB `has` per call.
const NAMESPACE = "@pyscript.fs";
const idb = new IDBMap(NAMESPACE);
const pyscript = {
  async storeFSHandler(uid, options = {}) {
    if (await idb.has(uid)) return true;
    // PyScript would prompt here; the benchmark measures the store-hit only.
    throw new Error(`no record for ${uid}: prepare() first`);
  },
};

// Stores both records, as a first visit would: needs user activation (the driver's click).
globalThis.prepare = async () => {
  const stored = await host.storeFSHandler(UID.fshandles, OPTIONS);
  const handler = await showDirectoryPicker();
  await idb.set(UID.pyscript, { handler, options: OPTIONS });
  return stored && (await idb.has(UID.pyscript));
};

const worker = (name) => new Worker(`/bench/${name}-worker.js`, { type: "module" });

function answer(w, message, transfer = []) {
  return new Promise((resolve, reject) => {
    w.addEventListener("message", ({ data }) => {
      if (data?.bench === undefined) return;
      w.terminate();
      data.ok ? resolve(data.times) : reject(new Error(data.error));
    });
    w.addEventListener("error", (e) => reject(new Error(e.message)));
    w.postMessage({ bench: true, ...message }, transfer);
  });
}

// SharedArrayBuffer + Atomics: the worker posts a request and waits; this thread writes the
// answer and notifies. The least a sync call from a worker can cost.
function floorSab(w, job) {
  const { port1, port2 } = new MessageChannel();
  let i32 = null;
  port1.onmessage = ({ data }) => {
    if (i32 === null) return void (i32 = data);
    Atomics.store(i32, 1, data + 1);
    Atomics.store(i32, 0, 1);
    Atomics.notify(i32, 0);
  };
  return answer(w, { ...job, kind: "sab", port: port2 }, [port2]);
}

// The same with no message: this thread waits on the buffer with Atomics.waitAsync, as the
// host does where it can. The least a sync call can cost in a browser that has it.
function floorSabWait(w, job) {
  const { port1, port2 } = new MessageChannel();
  port1.onmessage = async ({ data: i32 }) => {
    let seen = 0;
    Atomics.store(i32, 2, 1);
    Atomics.notify(i32, 2);
    for (;;) {
      const waited = Atomics.waitAsync(i32, 0, seen);
      if (waited.async) await waited.value;
      seen = Atomics.load(i32, 0);
      if (seen === -1) return;
      if (seen === 0) continue;
      Atomics.store(i32, 1, seen);
      Atomics.store(i32, 2, 1);
      Atomics.notify(i32, 2);
    }
  };
  return answer(w, { ...job, kind: "sab-wait", port: port2 }, [port2]);
}

// postMessage there and back: the least an async call can cost.
function floorPost(w, job) {
  const { port1, port2 } = new MessageChannel();
  port1.onmessage = ({ data }) => port1.postMessage(data + 1);
  return answer(w, { ...job, kind: "post", port: port2 }, [port2]);
}

// The same, with a request and an answer of 64 bytes, as any call that carries data has.
function floorPostBytes(w, job) {
  const { port1, port2 } = new MessageChannel();
  port1.onmessage = ({ data }) => {
    data.bytes[0] += 1;
    port1.postMessage(data);
  };
  return answer(w, { ...job, kind: "post-bytes", port: port2 }, [port2]);
}

// The fshandles worker against the least a host can do: a few lines of JS that speak the
// frame (shared/src/frame) and answer every request `true` at once, waiting on the buffer as
// the floor does. Not a host (no records, no permissions): it splits a sync call's cost into
// the worker's part (this row, less the floor) and the host's (fshandles-sync, less this row).
function minimalAnswerer(w, job) {
  let stop = false;
  let i32 = null;
  w.addEventListener("message", ({ data }) => {
    const sab = data?.sab;
    if (!(sab instanceof SharedArrayBuffer)) return;
    i32 = new Int32Array(sab);
    const u8 = new Uint8Array(sab);
    Atomics.store(i32, 3, 3); // link: watched, so requests need no message
    (async () => {
      while (!stop) {
        const state = Atomics.load(i32, 0);
        if ((state & 7) !== 1) {
          // Not a request: wait for the worker to change the state word.
          const waited = Atomics.waitAsync(i32, 0, state);
          if (waited.async) await waited.value;
          continue;
        }
        const seq = state >>> 3;
        // postcard: magic "FSH\x01", version 1, the id (LEB128), Reply::Answer(true).
        let n = 16;
        for (const b of [0x46, 0x53, 0x48, 0x01, 0x01]) u8[n++] = b;
        for (let v = seq; ; ) {
          const b = v & 0x7f;
          v >>>= 7;
          u8[n++] = v ? b | 0x80 : b;
          if (!v) break;
        }
        u8[n++] = 0;
        u8[n++] = 1;
        Atomics.store(i32, 1, n - 16);
        Atomics.store(i32, 2, 0);
        Atomics.store(i32, 0, (seq << 3) | 4); // replied
        Atomics.notify(i32, 0);
      }
    })();
  });
  return answer(w, { uid: UID.fshandles, options: OPTIONS, ...job, kind: "sab" }).finally(() => {
    stop = true;
    if (i32) Atomics.notify(i32, 0); // the loop looks once more, and ends
  });
}

function fshandles(w, job) {
  host.attach(w);
  return answer(w, { uid: UID.fshandles, options: OPTIONS, ...job }).finally(() => host.detach(w));
}

// The same on a host that cannot wait on the shared buffer (no Atomics.waitAsync): each sync
// request is announced by a doorbell message, as in browsers without it.
async function withoutWaitAsync(run) {
  const waitAsync = Atomics.waitAsync;
  Atomics.waitAsync = undefined;
  try {
    return await run();
  } finally {
    Atomics.waitAsync = waitAsync;
  }
}

let own = 0;

async function viaCoincident(job) {
  const { Worker } = coincident();
  const w = new Worker("/bench/coincident-worker.js");
  w.proxy.storeFSHandler = pyscript.storeFSHandler;
  try {
    return await w.proxy.run({ ...job, uid: UID.pyscript, options: OPTIONS, namespace: NAMESPACE });
  } finally {
    w.terminate();
  }
}

function viaComlink(w, job) {
  const { port1, port2 } = new MessageChannel();
  Comlink.expose({ ping: (i) => i + 1 }, port1);
  return answer(w, { ...job, port: port2 }, [port2]);
}

const ROWS = {
  "floor-sab": (job) => floorSab(worker("floor"), job),
  "floor-sab-wait": (job) => floorSabWait(worker("floor"), job),
  // The same with the worker busy 2 µs between calls (any real caller is: Python, encoding):
  // long enough for the main thread to fall asleep before the next request.
  "floor-sab-wait-paused": (job) => floorSabWait(worker("floor"), { ...job, pauseMs: 0.002 }),
  "floor-post": (job) => floorPost(worker("floor"), job),
  "floor-post-bytes": (job) => floorPostBytes(worker("floor"), job),
  "fshandles-sync": (job) => fshandles(worker("fshandles"), { ...job, kind: "sab" }),
  // As users write it: a fresh options object per call, the worker busy 2 µs between calls.
  "fshandles-user": (job) => fshandles(worker("fshandles"), { ...job, kind: "user", pauseMs: 0.002 }),
  "diag-user-same-options": (job) =>
    fshandles(worker("fshandles"), { ...job, kind: "user", pauseMs: 0.002, sameOptions: true }),
  "diag-worker-side": (job) => minimalAnswerer(worker("fshandles"), job),
  "fshandles-sync-doorbell": (job) => withoutWaitAsync(() => fshandles(worker("fshandles"), { ...job, kind: "sab" })),
  // A uid of its own each time: the worker's first store is a real one (the picker; the
  // driver's evaluate gives the page user activation), then store-hits in a plain loop.
  "fshandles-own-loop": (job) =>
    fshandles(worker("fshandles"), { ...job, kind: "own", uid: `/own-${++own}-${Date.now()}@bench` }),
  "fshandles-async": (job) => fshandles(worker("fshandles"), { ...job, kind: "async" }),
  "fshandles-handshake": (job) => fshandles(worker("fshandles"), { ...job, kind: "handshake" }),
  "pyscript-sync": (job) => viaCoincident({ ...job, kind: "sync" }),
  "pyscript-async": (job) => viaCoincident({ ...job, kind: "async" }),
  "pyscript-handshake": (job) => viaCoincident({ ...job, kind: "handshake" }),
  comlink: (job) => viaComlink(worker("comlink"), job),
};

globalThis.bench = (row, job) => ROWS[row](job);
globalThis.benchReady = true;
