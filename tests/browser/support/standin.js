// The stand-ins of the tests. The native pickers, which a headless browser cannot click, are
// always replaced: like the real ones they refuse without user activation, and they hand out
// real FileSystemDirectoryHandles and FileSystemFileHandles of the origin-private file system
// (the file pickers', files of its folder "files"). The browser's
// own FileSystemHandle.prototype.{query,request}Permission stay, except on pages loaded with
// `?permissions`: the tests that must simulate a revoked or denied permission (the browser
// grants origin-private folders, and no headless browser can revoke one). Everything else is real.
const params = new URLSearchParams(location.search);

export const picker = (globalThis.picker = {
  mode: "pick", // "pick" | "cancel" | "fail" (throws failMessage) | "throw" (throws `thrown` as it is)
  thrown: undefined,
  failMessage: "the picker failed",
  delayMs: 0,
  calls: 0,
  refused: 0,
  folder: null, // a fixed folder name, or a function of the picker's options giving one; else picked-N
  picked: [],
  file: null, // the file the file pickers choose in the folder "files": else chosen.txt, or the suggested name
  fileCalls: 0,
  fileOptions: [],
  lastOptions: null,
  // With ?permissions only (see below):
  revoked: null, // folder names whose permission is back to "prompt"
  deny: false, // requestPermission answers "denied"
  queries: 0,
  requests: 0,
  dialogs: 0,
});

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// What every picker does before it hands something out: refuse without activation, and the
// test's `mode`.
async function chooses() {
  if (!navigator.userActivation.isActive) {
    picker.refused++;
    throw new DOMException("Must be handling a user gesture to show a file picker.", "SecurityError");
  }
  if (picker.delayMs) await sleep(picker.delayMs);
  if (picker.mode === "cancel") throw new DOMException("The user aborted a request.", "AbortError");
  if (picker.mode === "fail") throw new DOMException(picker.failMessage, "NotReadableError");
  if (picker.mode === "throw") throw picker.thrown;
}

async function showDirectoryPicker(options) {
  picker.calls++;
  picker.lastOptions = options;
  await chooses();
  const root = await navigator.storage.getDirectory();
  const name = (typeof picker.folder === "function" ? picker.folder(options) : picker.folder) ?? `picked-${picker.calls}`;
  picker.picked.push(name);
  return root.getDirectoryHandle(name, { create: true });
}

// The file pickers: one file of the folder "files", which an open needs there already.
async function chosenFile(options, create) {
  picker.fileCalls++;
  picker.fileOptions.push(JSON.parse(JSON.stringify(options ?? {})));
  await chooses();
  const files = await (await navigator.storage.getDirectory()).getDirectoryHandle("files", { create: true });
  return files.getFileHandle(picker.file ?? ((create && options?.suggestedName) || "chosen.txt"), { create });
}
const showOpenFilePicker = async (options) => [await chosenFile(options, false)];
const showSaveFilePicker = (options) => chosenFile(options, true);

// ?nohandles: a drop gives no handles, as in Firefox and Safari (files and entries only).
if (params.has("nohandles")) delete DataTransferItem.prototype.getAsFileSystemHandle;

const PICKERS = { showDirectoryPicker, showOpenFilePicker, showSaveFilePicker };
for (const [name, standIn] of Object.entries(PICKERS)) {
  if (params.has("nopicker")) {
    delete globalThis[name];
    delete Window.prototype[name];
  } else {
    globalThis[name] = standIn;
  }
}

const simulated = params.has("permissions");
const refuse = (what) => () => {
  throw new Error(`${what} needs a page loaded with ?permissions (the simulated permissions)`);
};
// On other pages, reaching for the simulation is a test bug: say so instead of doing nothing.
// The browser's permissions are the origin's, in every realm: the revoked names go out on a
// channel, for the workers a test gives the same stand-in (harness.mjs: simulatePermissionsIn).
class Revoked extends Set {
  #channel = new BroadcastChannel("fshandles-standin-permissions");
  add(name) {
    super.add(name);
    this.#channel.postMessage([...this]);
    return this;
  }
  delete(name) {
    const had = super.delete(name);
    this.#channel.postMessage([...this]);
    return had;
  }
}
const simulation = simulated
  ? { revoked: new Revoked(), deny: false }
  : { revoked: { add: refuse("picker.revoked"), has: () => false, [Symbol.iterator]: [][Symbol.iterator] } };
Object.assign(picker, simulation);

if (simulated) FileSystemHandle.prototype.queryPermission = async function () {
  picker.queries++;
  return picker.revoked.has(this.name) ? "prompt" : "granted";
};

if (simulated) FileSystemHandle.prototype.requestPermission = async function () {
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
