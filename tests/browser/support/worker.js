// A test worker: runs commands from the page ({test, cmd, args}) against a real FsClient and
// answers {test, ok, value | error}. Its own messages share the channel with fshandles', as
// PyScript's do.
import init, { FsClient } from "/dist/worker/fshandles_worker.js";

const ready = init();
let client = null;
let watch = null; // watchStart's

async function fileIn(uid, name) {
  const dir = await client.handle(uid);
  return dir.getFileHandle(name, { create: true });
}

const commands = {
  connect(options) {
    client = FsClient.connect(options);
    return client.mode;
  },
  // Over a BroadcastChannel the page's host is attached to (what a gloo worker does).
  connectOnChannel(name, options) {
    client = FsClient.connect({ ...options, port: new BroadcastChannel(name) });
    return client.mode;
  },
  // `n` deletes of uids nobody stored (each answers false) while bare numbers that would read
  // as "call k: yes" go out on the same BroadcastChannel just before call k, as other clients'
  // doorbells do there. Resolves with the answers that were not false.
  async deletesAmidNumbers(name, n) {
    const other = new BroadcastChannel(name);
    const wrong = [];
    for (let k = 1; k <= n; k++) {
      for (let id = k; id < k + 4; id++) other.postMessage(id * 2 + 1);
      const got = await client.deleteFSHandler(`/never-stored-${k}`);
      if (got !== false) wrong.push({ k, got });
    }
    other.close();
    return wrong;
  },
  // `n` clients one after another, each connected, asked once (a store-hit of `uid`) and
  // freed, as a program that connects per task does. Resolves with this worker's wasm memory.
  async churn(uid, mode, n) {
    for (let i = 0; i < n; i++) {
      const c = FsClient.connect({ mode });
      const got = await c.storeFSHandler(uid, {});
      c.free();
      if (got !== true) throw new Error(`client ${i} was answered ${got}`);
    }
    return (await ready).memory.buffer.byteLength;
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
  kind: (uid) => client.kind(uid),
  settleKind: (uid) => client.settle("kind", uid),
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
  // What a blocking program does (sab mode): `n` calls in a plain loop that never returns to
  // the event loop — store and get of the stored `uid` (true), delete of uids nobody stored
  // (false), and every 50th call a `handle()` whose promise is only awaited after the loop.
  async loop(uid, n, { options = {}, pauseMs = 0, storeFirst = false } = {}) {
    const wrong = [];
    // The worker's own first store (the person picks), with no yield before the loop.
    if (storeFirst && client.storeFSHandler(uid, options) !== true) wrong.push({ i: -1 });
    if (pauseMs) await new Promise((r) => setTimeout(r, pauseMs));
    const folders = [];
    const started = performance.now();
    for (let i = 0; i < n; i++) {
      let got;
      let expected = true;
      if (i % 100 === 0) got = client.getFSHandler(uid, options);
      else if (i % 10 === 5) {
        got = client.deleteFSHandler(`${uid}-never-${i}`);
        expected = false;
      } else got = client.storeFSHandler(uid, options);
      if (i % 50 === 25) folders.push(client.handle(uid));
      if (got !== expected) wrong.push({ i, got, expected });
    }
    const ms = performance.now() - started;
    const names = new Set((await Promise.all(folders)).map((f) => f.name));
    return { calls: n, wrong, handles: folders.length, names: [...names], ms: Math.round(ms) };
  },
  // `n` calls started at once, none waiting for another: async clients have all `n` in flight
  // (Promise.all), sab clients make them back to back. Store and get of `uid` (true), delete
  // of uids nobody stored (false). Resolves with the wrong answers and the errors, by name.
  async burst(uid, n, options = {}) {
    const started = [];
    for (let i = 0; i < n; i++) {
      const expected = i % 10 !== 5;
      let call;
      try {
        if (!expected) call = client.deleteFSHandler(`${uid}-never-${i}`);
        else call = i % 3 ? client.storeFSHandler(uid, options) : client.getFSHandler(uid, options);
      } catch (e) {
        call = Promise.reject(e);
      }
      started.push(Promise.resolve(call).then((got) => ({ i, got, expected })));
    }
    const settled = await Promise.allSettled(started);
    const wrong = settled.filter((s) => s.status === "fulfilled" && s.value.got !== s.value.expected).map((s) => s.value);
    const errors = {};
    for (const s of settled) {
      if (s.status === "rejected") errors[s.reason?.name] = (errors[s.reason?.name] ?? 0) + 1;
    }
    return { calls: n, wrong: wrong.slice(0, 5), errors };
  },
  // `n` increments of the counter in the origin-private file `file`, each read, a macrotask
  // (where another worker could come in), and written back under `client.lock(name)`.
  async lockCount(name, file, n) {
    const root = await navigator.storage.getDirectory();
    for (let i = 0; i < n; i++) {
      await client.lock(name, async () => {
        const h = await root.getFileHandle(file, { create: true });
        const value = Number((await (await h.getFile()).text()) || 0);
        await new Promise((r) => setTimeout(r, 1));
        const w = await h.createWritable();
        await w.write(String(value + 1));
        await w.close();
      });
    }
    return n;
  },
  // `client.lock(name, fn, options)` where fn answers "ran".
  lockRun: (name, options) => client.lock(name, () => "ran", options),
  // `client.lock` given what it refuses: the error names, in order.
  async lockRefusals() {
    const names = [];
    for (const args of [["", () => 1], [7, () => 1], ["x", 5], ["x", () => 1, { timeoutMs: -1 }], ["x", () => 1, { timeoutMs: "soon" }]]) {
      try {
        await client.lock(...args);
        names.push("none");
      } catch (e) {
        names.push(e?.name);
      }
    }
    return names;
  },
  // `client.watch` of the folder stored under `uid` (`byHandle`: given its handle, not the
  // uid): how it watches. The watch is kept for watchNext.
  // One file through the page (fshandles_file.js's JS face): what was opened, as text.
  async openFile(options) {
    const { openFile } = await import("/dist/worker/fshandles_file.js");
    const { name, how, file, handle } = await openFile(options);
    return { name, how, text: await file.text(), handle: handle instanceof FileSystemFileHandle };
  },
  async saveFile(text, options) {
    const { saveFile } = await import("/dist/worker/fshandles_file.js");
    return saveFile(text, options);
  },
  async watchStart(uid, options, byHandle = false) {
    watch = await client.watch(byHandle ? await client.handle(uid) : uid, options);
    return watch.how;
  },
  // The watch's batches until `n` changes were told: "added a.txt" lines, sorted within each
  // batch; {ended: error name} where it threw. `stop`: by `for await`, left with `break`, and
  // whether the watch ended with it.
  async watchNext(n, stop = false) {
    const told = [];
    const add = (changes) => told.push(...changes.map((c) => `${c.type} ${c.path}`).sort());
    try {
      if (stop) {
        for await (const changes of watch) {
          add(changes);
          if (told.length >= n) break;
        }
        return { told, stopped: (await watch.next()).done };
      }
      while (told.length < n) {
        const r = await watch.next();
        if (r.done) return { told, done: true };
        add(r.value);
      }
    } catch (e) {
      return { told, ended: e?.name };
    }
    return { told };
  },
  // What `client.watch` refuses: the error names, in order.
  async watchRefusals(uid) {
    const names = [];
    for (const args of [[uid, { pollMs: 0 }], [uid, { how: "inotify" }], [42], ["/never-stored"]]) {
      try {
        (await client.watch(...args)).stop();
        names.push("none");
      } catch (e) {
        names.push(e?.name);
      }
    }
    return names;
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
