// A Rust worker without gloo (demo/rust/src/plain.rs): wasm-bindgen alone, FsClient on this
// worker's own channel. Speaks the test protocol of worker.js: {test, cmd, args}, cmd one of
// run, lock, watchStart, watchNext, watchStop, openFile, saveFile.
globalThis.fshandlesPlainWorker = true; // before the module loads: gloo must not take the channel
const { default: init, plainRun, plainLock, plainWatchStart, plainWatchNext, plainWatchStop, plainOpenFile, plainSaveFile } = await import("/dist/demo/fshandles_demo.js");
await init();

self.addEventListener("message", async ({ data }) => {
  const { test, cmd, args = [] } = data ?? {};
  const run = { run: plainRun, lock: plainLock, watchStart: plainWatchStart, watchNext: plainWatchNext, watchStop: plainWatchStop, openFile: plainOpenFile, saveFile: plainSaveFile }[cmd];
  if (test === undefined || !run) return;
  try {
    self.postMessage({ test, ok: true, value: await run(...args) });
  } catch (e) {
    self.postMessage({ test, ok: false, error: { name: e?.name, message: e?.message ?? String(e) } });
  }
});
self.postMessage({ test: "loaded", ok: true });
