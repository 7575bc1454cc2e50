// The `<dialog>` that asks a person for the click a picker or permission prompt needs. Its DOM
// is built here, in one call, rather than from Rust through an import for each DOM method:
// `src/dialog.rs` decides when to show it and waits for how it ended.

const BOX =
  "font:15px/1.45 system-ui,-apple-system,'Segoe UI',sans-serif;color:#1d2330;background:#fff;border:none;border-radius:14px;padding:22px 24px 18px;max-width:28rem;box-shadow:0 18px 50px rgba(15,23,42,.28)";
const TITLE = "margin:0 0 6px;font-size:17px;font-weight:600";
const TEXT = "margin:0 0 18px;color:#475069";
const ROW = "display:flex;gap:10px;justify-content:flex-end";
const PRIMARY =
  "font:inherit;font-weight:600;padding:8px 16px;border-radius:8px;border:1px solid #2457d6;background:#2f66e8;color:#fff;cursor:pointer";
const SECONDARY =
  "font:inherit;padding:8px 16px;border-radius:8px;border:1px solid #c8cedb;background:#f5f7fb;color:#1d2330;cursor:pointer";

// How it ended, as `Choice` in dialog.rs numbers them.
const AUTHORIZE = 0;
const CANCEL = 1;
const ABORT = 2;

/**
 * Shows modal dialog number `n` with `title`, `text` and Authorize / Cancel, focused on
 * Authorize. However it ends (a button, Escape, any other close, or the returned function
 * called with ABORT), it leaves the DOM and `settle` is called once, with the ending's number.
 */
export function showDialog(n, title, text, settle) {
  const doc = globalThis.document;
  if (!doc?.body) {
    const what = doc ? "the page has no <body> to show a dialog in" : "no document to show a dialog in";
    throw new DOMException(what, "NotSupportedError");
  }
  const make = (tag, css, content, parent) => {
    const el = doc.createElement(tag);
    // Through the CSSOM, not a `style` attribute: a page whose Content-Security-Policy has no
    // 'unsafe-inline' styles blocks the attribute, not this.
    el.style.cssText = css;
    el.textContent = content;
    parent?.append(el);
    return el;
  };
  const dialog = make("dialog", BOX, "");
  dialog.className = "fshandles-dialog";
  const heading = make("h2", TITLE, title, dialog);
  const body = make("p", TEXT, text, dialog);
  heading.id = `fshandles-dialog-title-${n}`;
  body.id = `fshandles-dialog-text-${n}`;
  dialog.setAttribute("aria-labelledby", heading.id);
  dialog.setAttribute("aria-describedby", body.id);
  const row = make("div", ROW, "", dialog);
  const cancel = make("button", SECONDARY, "Cancel", row);
  const authorize = make("button", PRIMARY, "Authorize", row);
  cancel.type = authorize.type = "button";
  cancel.className = "fshandles-cancel";
  authorize.className = "fshandles-authorize";
  authorize.autofocus = true;

  let done = false;
  const end = (choice) => {
    if (done) return;
    done = true;
    if (dialog.open) dialog.close();
    dialog.remove();
    settle(choice);
  };
  authorize.addEventListener("click", () => end(AUTHORIZE));
  cancel.addEventListener("click", () => end(CANCEL));
  // Escape fires `cancel` and then `close`; any other close counts as Cancel too.
  dialog.addEventListener("close", () => end(CANCEL));
  doc.body.append(dialog);
  try {
    dialog.showModal();
  } catch (e) {
    done = true;
    dialog.remove();
    throw e;
  }
  authorize.focus();
  return () => end(ABORT);
}
