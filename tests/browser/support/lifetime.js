// A page that makes its hosts inside functions and keeps no reference to them, as apps do:
// only weak references, to see what a garbage collection took. The workers are kept (a page
// talks to its workers), the hosts are not.
import "/tests/browser/support/standin.js";
import init, { FsHost } from "/dist/main/fshandles_main.js";
import initDemo, { serveForever } from "/dist/demo/fshandles_demo.js";
import { workers, startWorker as spawn, call, callOnClick } from "/tests/browser/support/commands.js";

const wasm = await init();
await initDemo();
const hosts = new Map();

// The README's page, as written, inside a function: the host is a local that goes out of scope.
async function readmePage(name) {
  const host = new FsHost({ fallback: "private" }); // records in IndexedDB "IDBMap/@pyscript.fs";
  // no picker (Firefox, Safari): an origin-private folder
  const { worker, loaded } = spawn(name, "/tests/browser/support/readme-worker.js");
  host.attach(worker); // listens with addEventListener; other messages are left alone
  hosts.set(name, new WeakRef(host));
  await loaded;
  return true;
}

// A host made by a page written in Rust (the demo's wasm: `FsHost::new`, then `forget()`).
async function rustPage(name) {
  const { worker, loaded } = spawn(name, "/tests/browser/support/readme-worker.js");
  serveForever(worker);
  await loaded;
  return true;
}

// A host whose only reference is a closure the page keeps: `served()` asks it.
let servedBy = null;
async function closurePage(name) {
  const host = new FsHost();
  const { worker, loaded } = spawn(name, "/tests/browser/support/readme-worker.js");
  host.attach(worker);
  servedBy = () => host.served(worker);
  await loaded;
  return true;
}

// `n` hosts made in a function, each attached to the worker `name`, asked once by the page,
// detached, and dropped without free(): nothing keeps them, so the collector frees them.
// How many of them the collector has taken.
const collectedHosts = new FinalizationRegistry(() => globalThis.hostsCollected++);
globalThis.hostsCollected = 0;
async function detachedHosts(name, n) {
  const { worker } = workers.get(name);
  for (let i = 0; i < n; i++) {
    const host = new FsHost();
    collectedHosts.register(host, null);
    host.attach(worker);
    if ((await host.deleteFSHandler("/never-stored")) !== false) throw new Error(`host ${i} answered wrong`);
    host.detach(worker);
  }
  return true;
}

Object.assign(globalThis, {
  readmePage, rustPage, closurePage, call, callOnClick, detachedHosts,
  hostCollected: (name) => hosts.get(name).deref() === undefined,
  servedByClosure: () => servedBy(),
  wasmMemory: () => wasm.memory.buffer.byteLength,
  settle: () => new Promise((r) => setTimeout(r, 100)),
});
globalThis.hostReady = true;
