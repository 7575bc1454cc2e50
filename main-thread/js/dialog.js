// What asks a person for the click a picker or permission prompt needs, as `src/dialog.rs`
// sees it. The dialog itself (its words, look and the page's own prompt) is in
// `fshandles_dialog.js`, beside the glue, loaded at the first prompt: most visits of a page
// never ask, and need not load it.

// How it ended, as `Choice` in dialog.rs numbers them; an Error is a failure.
const ABORT = 2;

let loading = null;

/**
 * Asks prompt number `n` as the host's `options` say (read by `options.js`); `ended` learns how
 * it ended (a number, or the Error that kept it from asking), once. Returns the function that
 * aborts it.
 */
export function showDialog(n, options, uid, kind, mode, name, ended) {
  let abort = null;
  let aborted = false;
  // A literal relative specifier: bundlers see it and ship the file (as a chunk of theirs).
  loading ??= import("./fshandles_dialog.js").catch((e) => {
    loading = null; // tried again at the next prompt
    throw new DOMException(`the host's dialog (fshandles_dialog.js, beside fshandles_main.js) did not load: ${e?.message}`, "NotSupportedError");
  });
  loading
    .then((dialog) => {
      // No options given: the host keeps none.
      if (!aborted) abort = dialog.ask(n, options ?? {}, { uid, kind, mode, name }, ended);
    })
    .catch(ended);
  return () => {
    aborted = true;
    if (abort) abort();
    else ended(ABORT);
  };
}
