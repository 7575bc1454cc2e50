// What asks a person for the click a picker or permission prompt needs: the host's `<dialog>`,
// in the page's words and look, or the page's own prompt (`onPrompt`). Loaded by the host
// (js/dialog.js) at its first prompt: a page that never needs to ask never loads it.

// The words, by kind of prompt; `{name}` is the folder's name, `{mode}` the access asked
// (`modes` below). A page's `dialog` option replaces any of them.
const WORDS = {
  pick: {
    title: "Choose a folder?",
    text: "A worker on this page asks for a folder on your device ({mode} access). You will choose which one.",
    authorize: "Authorize",
    cancel: "Cancel",
  },
  regrant: {
    title: "Allow access to a folder again?",
    text: "A worker on this page asks to use the folder \u201c{name}\u201d again ({mode} access).",
    authorize: "Authorize",
    cancel: "Cancel",
  },
  import: {
    title: "Import a folder?",
    text: "A worker on this page asks to copy a folder of your device into its folder \u201c{name}\u201d. You will choose which one.",
    authorize: "Choose a folder",
    cancel: "Cancel",
  },
  open: {
    title: "Open a file?",
    text: "A worker on this page asks for a file of your device. You will choose which one.",
    authorize: "Choose a file",
    cancel: "Cancel",
  },
  save: {
    title: "Save a file?",
    text: "A worker on this page asks to save a file to your device. You will choose where.",
    authorize: "Choose where",
    cancel: "Cancel",
  },
  reopen: {
    title: "Allow access to a file again?",
    text: "A worker on this page asks to use the file \u201c{name}\u201d again ({mode} access).",
    authorize: "Authorize",
    cancel: "Cancel",
  },
  modes: { read: "read", readwrite: "read and write" },
};

// The built-in look, in a cascade layer: any style of the page's own (not in a layer) wins
// over it, whatever its specificity, with no `!important`. An adopted style sheet, which a
// Content-Security-Policy without 'unsafe-inline' styles allows (a `<style>` it blocks).
const LOOK = `@layer fshandles {
.fshandles-dialog {
  --fshandles-fg: #1d2330; --fshandles-muted: #475069; --fshandles-bg: #fff;
  --fshandles-accent: #2f66e8; --fshandles-accent-border: #2457d6; --fshandles-on-accent: #fff;
  --fshandles-button: #f5f7fb; --fshandles-button-border: #c8cedb;
  font: 15px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--fshandles-fg);
  background: var(--fshandles-bg); border: none; border-radius: 14px; padding: 22px 24px 18px;
  max-width: 28rem; box-shadow: 0 18px 50px rgba(15, 23, 42, .28); color-scheme: light;
}
.fshandles-title { margin: 0 0 6px; font-size: 17px; font-weight: 600; }
.fshandles-text { margin: 0 0 18px; color: var(--fshandles-muted); }
.fshandles-buttons { display: flex; gap: 10px; justify-content: flex-end; }
.fshandles-buttons button {
  font: inherit; padding: 8px 16px; border-radius: 8px; cursor: pointer;
  border: 1px solid var(--fshandles-button-border); background: var(--fshandles-button); color: var(--fshandles-fg);
}
.fshandles-buttons .fshandles-authorize {
  font-weight: 600; border-color: var(--fshandles-accent-border); background: var(--fshandles-accent); color: var(--fshandles-on-accent);
}
@media (prefers-color-scheme: dark) {
  .fshandles-dialog {
    --fshandles-fg: #e6e9f0; --fshandles-muted: #aab2c5; --fshandles-bg: #1e222b;
    --fshandles-accent: #4c7ff0; --fshandles-accent-border: #6b95f5;
    --fshandles-button: #2a2f3a; --fshandles-button-border: #444b5a;
    box-shadow: 0 18px 50px rgba(0, 0, 0, .6); color-scheme: dark;
  }
}
}`;

// How it ended, as `Choice` in dialog.rs numbers them.
const AUTHORIZE = 0;
const CANCEL = 1;
const ABORT = 2;

const KINDS = ["pick", "regrant", "import", "open", "save", "reopen"];
const FIELDS = ["title", "text", "authorize", "cancel"];

// Throws a DataError, which the worker that asked gets, when the page's words are malformed
// (the host checked `dialog` is an object and `onPrompt` a function when it was made).
function checkWords(dialog) {
  const fail = (what) => {
    throw new DOMException(`FsHost options: ${what}`, "DataError");
  };
  for (const key of Object.keys(dialog ?? {})) {
    if (key !== "modes" && !KINDS.includes(key)) fail(`dialog.${key} is not a kind of prompt (${KINDS.join(", ")}, or modes)`);
    if (dialog[key] !== undefined && (typeof dialog[key] !== "object" || !dialog[key])) fail(`dialog.${key} must be an object`);
    if (key === "modes") continue;
    for (const [field, value] of Object.entries(dialog[key] ?? {})) {
      if (!FIELDS.includes(field)) fail(`dialog.${key}.${field} is not one of ${FIELDS.join(", ")}`);
      if (typeof value !== "string") fail(`dialog.${key}.${field} must be a string`);
    }
  }
  for (const [mode, value] of Object.entries(dialog?.modes ?? {})) {
    if (!(mode in WORDS.modes)) fail(`dialog.modes.${mode} is not an access mode (read, readwrite)`);
    if (typeof value !== "string") fail(`dialog.modes.${mode} must be a string`);
  }
}

// The words of a `kind` prompt: the page's where it gave them, ours elsewhere.
function wordsOf(dialog, kind, name, mode) {
  const words = { ...WORDS[kind], ...dialog?.[kind] };
  const access = dialog?.modes?.[mode] ?? WORDS.modes[mode];
  const fill = (s) => s.replace(/\{(name|mode)\}/g, (_, k) => (k === "name" ? name : access));
  return Object.fromEntries(Object.entries(words).map(([k, v]) => [k, fill(v)]));
}

let styled = null;

// The built-in look, adopted by `doc` once.
function adoptLook(doc) {
  if (styled === doc || !doc.adoptedStyleSheets) return;
  const sheet = new (doc.defaultView?.CSSStyleSheet ?? CSSStyleSheet)();
  sheet.replaceSync(LOOK);
  // First, so that even the page's own adopted sheets come after it.
  doc.adoptedStyleSheets = [sheet, ...doc.adoptedStyleSheets];
  styled = doc;
}

/**
 * Asks for prompt number `n` (`{uid, kind, mode, name}`: kind "pick", "regrant", or, from
 * `fshandles_files.js`, "import" (a folder of the device to copy in), "open", "save" or
 * "reopen" (one file, `uid` its id); the folder's or file's name; the access asked): through the page's `onPrompt`, or a modal dialog in the page's
 * `dialog` words (both from the host's options, checked when it was made), focused on
 * Authorize. However it ends (a button, Escape, any other close, the page's answer, or the
 * returned function called), `ended` is called once with the ending's number, and the dialog
 * leaves the DOM.
 */
export function ask(n, { dialog: words, onPrompt }, { uid, kind, mode, name }, ended) {
  let done = false;
  const end = (choice) => {
    if (done) return;
    done = true;
    ended(choice);
  };
  if (typeof onPrompt === "function") {
    // The page's own prompt. Its signal says when the host no longer needs an answer (the
    // worker that asked is gone), so that the page can take its prompt down.
    const aborted = new AbortController();
    Promise.resolve()
      .then(() => onPrompt({ uid, kind, mode, name, signal: aborted.signal }))
      .then(
        (yes) => end(yes === true ? AUTHORIZE : CANCEL),
        (e) => {
          console.warn("fshandles: onPrompt failed; taken as a refusal:", e);
          end(CANCEL);
        },
      );
    return () => {
      if (done) return;
      aborted.abort();
      end(ABORT);
    };
  }

  checkWords(words);
  const doc = globalThis.document;
  if (!doc?.body) {
    const what = doc ? "the page has no <body> to show a dialog in" : "no document to show a dialog in";
    throw new DOMException(what, "NotSupportedError");
  }
  adoptLook(doc);
  const text = wordsOf(words, kind, name, mode);
  const make = (tag, className, content, parent) => {
    const el = doc.createElement(tag);
    el.className = className;
    el.textContent = content;
    parent?.append(el);
    return el;
  };
  const dialog = make("dialog", "fshandles-dialog", "");
  dialog.dataset.kind = kind;
  const heading = make("h2", "fshandles-title", text.title, dialog);
  const body = make("p", "fshandles-text", text.text, dialog);
  heading.id = `fshandles-dialog-title-${n}`;
  body.id = `fshandles-dialog-text-${n}`;
  dialog.setAttribute("aria-labelledby", heading.id);
  dialog.setAttribute("aria-describedby", body.id);
  const row = make("div", "fshandles-buttons", "", dialog);
  const cancel = make("button", "fshandles-cancel", text.cancel, row);
  const authorize = make("button", "fshandles-authorize", text.authorize, row);
  cancel.type = authorize.type = "button";
  authorize.autofocus = true;

  const close = (choice) => {
    if (done) return;
    if (dialog.open) dialog.close();
    dialog.remove();
    end(choice);
  };
  authorize.addEventListener("click", () => close(AUTHORIZE));
  cancel.addEventListener("click", () => close(CANCEL));
  // Escape fires `cancel` and then `close`; any other close counts as Cancel too.
  dialog.addEventListener("close", () => close(CANCEL));
  doc.body.append(dialog);
  try {
    dialog.showModal();
  } catch (e) {
    done = true;
    dialog.remove();
    throw e;
  }
  authorize.focus();
  return () => close(ABORT);
}
