//! What asks a person for the click a picker or permission prompt needs: the host's
//! `<dialog>` in the page's words, or the page's own prompt (the `onPrompt` option).
//!
//! Every way it can end ends it exactly once and removes the dialog from the DOM:
//! Authorize, Cancel, Escape (the `cancel`/`close` events), the page's answer, and
//! [`Dialog::abort`] (the worker that asked was detached).

use fshandles_shared::js::from_js_error;
use fshandles_shared::Error;
use futures_channel::oneshot;
use js_sys::Function;
use std::cell::{Cell, RefCell};
use wasm_bindgen::prelude::*;

/// How the dialog ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Choice {
    /// The person clicked Authorize: the page has user activation now.
    Authorize,
    /// Cancel, Escape, or the dialog closed some other way.
    Cancel,
    /// Torn down by the library.
    Abort,
}

impl Choice {
    /// The ending `js/dialog.js` reports, by its number; or the Error that kept it from
    /// asking (its dialog did not load, the page's words are malformed, no `<body>`).
    fn from_js(value: &JsValue) -> Result<Choice, Error> {
        match value.as_f64() {
            Some(0.0) => Ok(Choice::Authorize),
            Some(1.0) => Ok(Choice::Cancel),
            Some(_) => Ok(Choice::Abort),
            None => Err(from_js_error(value)),
        }
    }
}

// The DOM is built in JS, in one call: from Rust each DOM method would be an import of its own,
// with its glue, and the dialog cost 2.8 KB gzip of the host that way.
#[wasm_bindgen(module = "/js/dialog.js")]
extern "C" {
    /// Asks prompt number `n` (`kind` "pick" or "regrant") as the host's `options` say;
    /// `ended` learns how it ended, once. Returns the function that aborts it.
    #[wasm_bindgen(catch, js_name = showDialog)]
    fn show_dialog(
        n: u32,
        options: &JsValue,
        uid: &str,
        kind: &str,
        mode: &str,
        name: &str,
        ended: &Function,
    ) -> Result<Function, JsValue>;
}

/// What a prompt asks for, in the words `js/dialog.js` takes.
pub(crate) struct Ask<'a> {
    pub uid: &'a str,
    /// "pick" or "regrant".
    pub kind: &'static str,
    /// "read" or "readwrite".
    pub mode: &'static str,
    /// The folder's name; empty for a pick.
    pub name: &'a str,
}

thread_local! {
    static NEXT_ID: Cell<u32> = const { Cell::new(0) };
}

/// An open dialog. Dropping it aborts it.
pub(crate) struct Dialog {
    abort: Function,
    rx: RefCell<Option<oneshot::Receiver<Result<Choice, Error>>>>,
    // Called by the dialog's JS until it has ended, which it has once this is dropped (drop
    // aborts it first).
    _ended: Closure<dyn FnMut(JsValue)>,
}

impl Dialog {
    /// Asks the person: the page's `onPrompt`, or a modal dialog with Authorize / Cancel,
    /// focused on Authorize. `options` are the host's (`dialog`, `onPrompt`).
    pub fn show(options: &JsValue, ask: &Ask) -> Result<Dialog, Error> {
        let n = NEXT_ID.with(|c| {
            c.set(c.get() + 1);
            c.get()
        });
        let (tx, rx) = oneshot::channel();
        let mut tx = Some(tx);
        let ended = Closure::<dyn FnMut(JsValue)>::new(move |choice: JsValue| {
            if let Some(tx) = tx.take() {
                let _ = tx.send(Choice::from_js(&choice));
            }
        });
        let on_end = ended.as_ref().unchecked_ref();
        let abort = show_dialog(n, options, ask.uid, ask.kind, ask.mode, ask.name, on_end)
            .map_err(|e| from_js_error(&e))?;
        Ok(Dialog {
            abort,
            rx: RefCell::new(Some(rx)),
            _ended: ended,
        })
    }

    /// Waits for the person (or [`Dialog::abort`]).
    pub async fn choice(&self) -> Result<Choice, Error> {
        let rx = self.rx.borrow_mut().take();
        match rx {
            Some(rx) => rx.await.unwrap_or(Ok(Choice::Abort)),
            None => Ok(Choice::Abort),
        }
    }

    /// Closes the dialog as aborted.
    pub fn abort(&self) {
        let _ = self.abort.call0(&JsValue::UNDEFINED);
    }
}

impl Drop for Dialog {
    fn drop(&mut self) {
        self.abort();
    }
}
