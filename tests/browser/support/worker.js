// A test worker: runs commands from the page ({test, cmd, args}) against a real FsClient and
// answers {test, ok, value | error}. Its own messages share the channel with fshandles', as
// PyScript's do.
import init, { FsClient } from "/dist/worker/fshandles_worker.js";

const ready = init();
let client = null;

async function fileIn(uid, name) {
  const dir = await client.handle(uid);
  return dir.getFileHandle(name, { create: true });
}

const commands = {
  connect(options) {
    client = FsClient.connect(options);
    return client.mode;
  },
  isolated: () => globalThis.crossOriginIsolated,
  store: (uid, options) => client.storeFSHandler(uid, options),
  get: (uid, options) => client.getFSHandler(uid, options),
  delete: (uid) => client.deleteFSHandler(uid),
  // What the call returned, before awaiting: "boolean" in sab mode, "object" (a Promise) in async.
  storeType: (uid, options) => {
    const r = client.storeFSHandler(uid, options);
    return r instanceof Promise ? "promise" : typeof r;
  },
  async handleName(uid) {
    return (await client.handle(uid)).name;
  },
  async writeFile(uid, name, text) {
    const file = await fileIn(uid, name);
    const w = await file.createWritable();
    await w.write(text);
    await w.close();
    return true;
  },
  async readFile(uid, name) {
    const dir = await client.handle(uid);
    const file = await dir.getFileHandle(name);
    return (await file.getFile()).text();
  },
  // `n` calls mixing store and get of the stored `uid` (true) and delete of uids nobody stored
  // (false); async clients keep `inFlight` calls going at once. Resolves with the calls made
  // and any wrong answers.
  async load(uid, n, inFlight = 8) {
    const plan = (i) => {
      switch (i % 3) {
        case 0: return [() => client.storeFSHandler(uid, {}), true];
        case 1: return [() => client.getFSHandler(uid, {}), true];
        default: return [() => client.deleteFSHandler(`${uid}-never-${i}`), false];
      }
    };
    const wrong = [];
    let calls = 0;
    const one = async (i) => {
      const [call, expected] = plan(i);
      calls++;
      const got = await call();
      if (got !== expected) wrong.push({ i, got, expected });
    };
    if (client.mode === "sab") {
      for (let i = 0; i < n; i++) await one(i);
    } else {
      for (let i = 0; i < n; i += inFlight) {
        await Promise.all(Array.from({ length: Math.min(inFlight, n - i) }, (_, k) => one(i + k)));
      }
    }
    return { calls, wrong };
  },
  // Several calls at once; resolves with all their answers.
  many: (cmd, argsList) => Promise.all(argsList.map((args) => commands[cmd](...args))),
};

self.addEventListener("message", async (event) => {
  const { test, cmd, args = [] } = event.data ?? {};
  if (test === undefined) return;
  try {
    await ready;
    const value = await commands[cmd](...args);
    self.postMessage({ test, ok: true, value });
  } catch (e) {
    self.postMessage({ test, ok: false, error: { name: e?.name, message: e?.message ?? String(e) } });
  }
});
self.postMessage({ test: "loaded", ok: true });
