// The directory picker and folder permissions, as the page has them. Where the browser has no
// picker (Firefox, Safari) and the host's options say `fallback: "private"`, a folder of the
// origin-private file system stands in for the picked one: one per picker id, kept by the
// browser for this site, with no prompt; its handles have no permission methods, and the
// browser grants them. `options` is the host's, read by `options.js`. From Rust, each property
// read was an import, or a key sent across as a string.

const privateAsked = (options) => options?.fallback === "private";

const picker = () => globalThis.showDirectoryPicker;

/** Whether the page asked for origin-private folders, and the browser has no picker. */
export function fallsBack(options) {
  return privateAsked(options) && typeof picker() !== "function";
}

/** Whether the page has transient user activation now (a click moments ago). */
export function hasActivation() {
  return globalThis.navigator?.userActivation?.isActive === true;
}

// Whether the page runs in a frame with an ancestor of another origin, where browsers refuse
// the directory picker.
function inCrossOriginFrame() {
  const top = globalThis.top;
  if (!top || top === globalThis) return false;
  const own = location.origin;
  const ancestors = location.ancestorOrigins;
  if (ancestors?.length > 0) return Array.from(ancestors).some((origin) => origin !== own);
  // No ancestorOrigins (Firefox): reading a cross-origin window's document throws.
  try {
    return !top.document;
  } catch {
    return true;
  }
}

/**
 * Throws NotSupportedError where there is no picker (and no fallback, or no origin-private
 * file system to fall back on), SecurityError in a cross-origin frame (browsers refuse pickers
 * there).
 */
export function checkSupported(options) {
  if (fallsBack(options)) {
    if (typeof globalThis.navigator?.storage?.getDirectory === "function") return;
    // WebKitGTK, seen here: neither a picker nor an origin-private file system.
    throw new DOMException("this browser has neither showDirectoryPicker nor the origin-private file system (navigator.storage.getDirectory): use a current Chrome, Edge, Firefox or Safari", "NotSupportedError");
  }
  if (typeof picker() !== "function") {
    throw new DOMException("this browser has no showDirectoryPicker (the File System Access API): use a Chromium-based browser such as Chrome or Edge, or give the host fallback: \"private\"", "NotSupportedError");
  }
  let framed = false;
  try {
    framed = inCrossOriginFrame();
  } catch {
    // globals that throw when read: no frame we can see
  }
  if (framed) {
    throw new DOMException("this page runs in a cross-origin iframe, where browsers refuse the directory picker: open it as a top-level page or in a same-origin frame", "SecurityError");
  }
}

/**
 * The folder the person picks, or null when they cancel; where the page falls back, its
 * origin-private folder for the picker id (`fshandles/<id>`, made if new).
 */
export async function pickFolder(options, mountOptions) {
  if (fallsBack(options)) {
    const root = await navigator.storage.getDirectory();
    const folders = await root.getDirectoryHandle("fshandles", { create: true });
    return folders.getDirectoryHandle(mountOptions.id ?? "default", { create: true });
  }
  let folder;
  try {
    // Called before any await: the click's activation is spent here.
    folder = await picker()(mountOptions);
  } catch (e) {
    if (e?.name === "AbortError") return null;
    if (e?.name === "SecurityError") {
      throw new DOMException(`the directory picker was refused (${e.message}); it needs a click (user activation) and a top-level or same-origin frame`, "SecurityError");
    }
    throw e;
  }
  if (!(folder instanceof FileSystemDirectoryHandle)) {
    throw new DOMException("showDirectoryPicker resolved to something that is not a FileSystemDirectoryHandle", "DataError");
  }
  return folder;
}

/**
 * The permission state of `handle` for `mode` (asked for with `ask`, else queried); handles
 * without the permission methods count as granted, while their folder is there, where the page
 * asked for origin-private folders.
 */
export async function permission(handle, mode, ask, options) {
  const method = handle[ask ? "requestPermission" : "queryPermission"];
  if (typeof method === "function") return method.call(handle, { mode });
  if (privateAsked(options)) {
    // Granted while the folder is there; one removed since (the site's data cleared, or a
    // program's removeEntry) is not, and the host makes it anew.
    try {
      await handle.keys().next();
      return "granted";
    } catch (e) {
      if (e?.name === "NotFoundError") return "prompt";
      throw e;
    }
  }
  throw new DOMException(
    "this browser's folder handles have no queryPermission/requestPermission (the File System Access API's permissions): use a Chromium-based browser such as Chrome or Edge, or give the host fallback: \"private\"",
    "NotSupportedError",
  );
}
