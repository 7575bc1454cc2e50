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
