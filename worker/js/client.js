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

function locks() {
  if (!globalThis.navigator?.locks) throw new DOMException("this browser has no Web Locks (navigator.locks)", "NotSupportedError");
  return navigator.locks;
}

function lockOptions(name, options) {
  if (typeof name !== "string" || !name) throw new DOMException("a lock's name is a string, not empty", "DataError");
  const ms = options?.timeoutMs;
  if (ms === undefined || ms === null) return {};
  if (typeof ms !== "number" || !(ms >= 0)) throw new DOMException("timeoutMs is a number of milliseconds", "DataError");
  return { signal: AbortSignal.timeout(ms) };
}

/** `fn()`'s value, run while the lock `name` is held (waited for at most `options.timeoutMs`). */
export async function withLock(name, fn, options) {
  if (typeof fn !== "function") throw new DOMException("lock(name, fn): fn is a function", "DataError");
  return locks().request(name, lockOptions(name, options), () => fn());
}

/**
 * Waits for the lock `name` (at most `options.timeoutMs`) and holds it: a promise of the
 * function that lets go of it.
 */
export async function acquire(name, options) {
  const request = lockOptions(name, options);
  const manager = locks();
  return new Promise((granted, failed) => {
    manager.request(name, request, () => new Promise((release) => granted(() => release()))).catch(failed);
  });
}

/** `acquire`, told to `done(error, release)`: once, either way (Rust's side of `lock`). */
export function acquireThen(name, options, done) {
  acquire(name, options).then(
    (release) => done(null, release),
    (error) => done(error, null),
  );
}
