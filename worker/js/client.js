// The parts of `FsClient`'s JS face (`src/js.rs`) that are plain JS.

/**
 * `p`'s outcome as `settle()` answers it: `{ok: true, value}`, or `{ok: false, name, message}`
 * (`p` is one of the client's promises: it rejects with an `Error` whose `name` is stable).
 */
export function settled(p) {
  return p.then(
    (value) => ({ ok: true, value }),
    (e) => ({ ok: false, name: e?.name ?? "UnknownError", message: String(e?.message ?? e) }),
  );
}

/**
 * `"private"` or `"device"`: where the folder `handle` (a promise of it) is. "private": in the
 * origin-private file system (kept by the browser for this site, and cleared with its data:
 * the host's `fallback: "private"`); "device": anywhere else (a folder the user picked).
 */
export async function kindOf(handle) {
  handle = await handle;
  // No origin-private file system (WebKitGTK): no folder can be a private one.
  if (!navigator.storage?.getDirectory) return "device";
  const root = await navigator.storage.getDirectory();
  return Array.isArray(await root.resolve(handle)) ? "private" : "device";
}

// Locks by name (Web Locks), one for every worker and tab of the origin: `fshandles.lock` in
// Python, `client.lock` in JS, `FsClient::lock` in Rust take the same ones.

const refuse = (what) => {
  throw new DOMException(what, "DataError");
};

/**
 * Waits for the lock `name` (at most `options.timeoutMs`) and holds it: a promise of the
 * function that lets go of it.
 */
export async function acquire(name, options) {
  if (typeof name !== "string" || !name) refuse("a lock's name is a string, not empty");
  const ms = options?.timeoutMs;
  if (ms != null && !(ms >= 0)) refuse("timeoutMs is a number of milliseconds");
  if (!navigator.locks) throw new DOMException("this browser has no Web Locks (navigator.locks)", "NotSupportedError");
  const request = ms == null ? {} : { signal: AbortSignal.timeout(ms) };
  return new Promise((granted, failed) => {
    navigator.locks.request(name, request, () => new Promise((release) => granted(() => release()))).catch(failed);
  });
}

/** `fn()`'s value, run while the lock `name` is held (waited for at most `options.timeoutMs`). */
export async function withLock(name, fn, options) {
  if (typeof fn !== "function") refuse("lock(name, fn): fn is a function");
  const release = await acquire(name, options);
  try {
    return await fn();
  } finally {
    release();
  }
}

/** `acquire`, told to `done(error, release)`: once, either way (Rust's side of `lock`). */
export function acquireThen(name, options, done) {
  acquire(name, options).then(
    (release) => done(null, release),
    (error) => done(error, null),
  );
}

/**
 * A watch of `folder` (a handle, or a promise of one) started, as `client.watch` answers it
 * (watch.js). Its code is loaded the first time: fshandles_watch.js, beside this package's
 * fshandles_worker.js, so that a worker that never watches does not carry it.
 */
export async function watchOf(folder, options) {
  const url = new URL("./fshandles_watch.js", import.meta.url).href;
  const { watchFolder } = await import(/* webpackIgnore: true */ /* @vite-ignore */ url);
  return watchFolder(folder, options);
}
