// A worker that runs the README's worker snippet as written, inside functions: each client is
// a local that nobody keeps. Commands come from the page as {test, cmd, args}.
import init, { FsClient } from "/dist/worker/fshandles_worker.js";

await init();

// The README's snippet; `text` goes into note.txt. Answers the folder's name.
async function note(text) {
  const client = FsClient.connect({ mode: "auto" }); // "sab" when cross-origin isolated, else "async"
  const uid = "/local@pyscript";
  // A boolean in sab mode, a Promise<boolean> in async mode: `await` works for both.
  if (await client.storeFSHandler(uid, { id: "pyscript", mode: "readwrite" })) {
    const folder = await client.handle(uid); // a FileSystemDirectoryHandle
    const file = await folder.getFileHandle("note.txt", { create: true });
    const w = await file.createWritable();
    await w.write(text);
    await w.close();
    return folder.name;
  }
  return null;
}

// Calls started by clients nobody keeps, by uid; weak references to those clients.
const started = new Map();
const clients = [];

function start(uid) {
  const client = FsClient.connect({ mode: "auto" });
  clients.push(new WeakRef(client));
  started.set(uid, Promise.resolve(client.storeFSHandler(uid, {})).catch((e) => e.name));
  return client.mode;
}

// A client whose only reference is the closure this returns.
function asker(uid) {
  const client = FsClient.connect({ mode: "auto" });
  clients.push(new WeakRef(client));
  return () => client.storeFSHandler(uid, {});
}
let ask = null;

// What a garbage collection in this worker took (needs Chromium's --js-flags=--expose-gc).
async function collect() {
  for (let i = 0; i < 5; i++) {
    globalThis.gc();
    await new Promise((r) => setTimeout(r, 20));
  }
  return clients.map((c) => c.deref() === undefined);
}

const commands = {
  note,
  start,
  finish: (uid) => started.get(uid),
  makeAsker: (uid) => void (ask = asker(uid)),
  ask: () => ask(),
  collect,
};

self.addEventListener("message", async ({ data }) => {
  const { test, cmd, args = [] } = data ?? {};
  if (test === undefined) return;
  try {
    self.postMessage({ test, ok: true, value: await commands[cmd](...args) });
  } catch (e) {
    self.postMessage({ test, ok: false, error: { name: e?.name, message: e?.message ?? String(e) } });
  }
});
self.postMessage({ test: "loaded", ok: true });
