// The only stand-in in the tests: the native directory picker, which a headless browser cannot
// click. Like the real one it refuses without user activation; it hands out real
// FileSystemDirectoryHandles of the origin-private file system. Permission states are driven
// through FileSystemHandle.prototype.{query,request}Permission. Everything else is real.
const params = new URLSearchParams(location.search);

export const picker = (globalThis.picker = {
  mode: "pick", // "pick" | "cancel" | "fail" (throws failMessage)
  failMessage: "the picker failed",
  delayMs: 0,
  calls: 0,
  refused: 0,
  folder: null, // a fixed folder name, else picked-N
  picked: [],
  lastOptions: null,
  revoked: new Set(), // folder names whose permission is back to "prompt"
  deny: false, // requestPermission answers "denied"
  queries: 0,
  requests: 0,
  dialogs: 0,
});

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function showDirectoryPicker(options) {
  picker.calls++;
  picker.lastOptions = options;
  if (!navigator.userActivation.isActive) {
    picker.refused++;
    throw new DOMException("Must be handling a user gesture to show a file picker.", "SecurityError");
  }
  if (picker.delayMs) await sleep(picker.delayMs);
  if (picker.mode === "cancel") throw new DOMException("The user aborted a request.", "AbortError");
  if (picker.mode === "fail") throw new DOMException(picker.failMessage, "NotReadableError");
  const root = await navigator.storage.getDirectory();
  const name = picker.folder ?? `picked-${picker.calls}`;
  picker.picked.push(name);
  return root.getDirectoryHandle(name, { create: true });
}

if (params.has("nopicker")) {
  delete globalThis.showDirectoryPicker;
  delete Window.prototype.showDirectoryPicker;
} else {
  globalThis.showDirectoryPicker = showDirectoryPicker;
}

FileSystemHandle.prototype.queryPermission = async function () {
  picker.queries++;
  return picker.revoked.has(this.name) ? "prompt" : "granted";
};

FileSystemHandle.prototype.requestPermission = async function () {
  picker.requests++;
  if (!picker.revoked.has(this.name)) return "granted";
  if (!navigator.userActivation.isActive) {
    throw new DOMException("User activation is required to request permissions.", "SecurityError");
  }
  if (picker.deny) return "denied";
  picker.revoked.delete(this.name);
  return "granted";
};

new MutationObserver((records) => {
  for (const r of records) {
    for (const n of r.addedNodes) if (n.matches?.("dialog.fshandles-dialog")) picker.dialogs++;
  }
}).observe(document.documentElement, { childList: true, subtree: true });
