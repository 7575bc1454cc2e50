//! The `<dialog>` that asks a person for the click a picker or permission prompt needs.
//!
//! Every way it can end settles it exactly once and removes it from the DOM: Authorize,
//! Cancel, Escape (the `cancel`/`close` events), and [`Dialog::abort`] (the worker that asked
//! was detached).

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
    /// The ending `js/dialog.js` reports, by its number.
    fn from_js(value: &JsValue) -> Choice {
        match value.as_f64() {
            Some(0.0) => Choice::Authorize,
            Some(1.0) => Choice::Cancel,
            _ => Choice::Abort,
        }
    }
}

// The DOM is built in JS, in one call: from Rust each DOM method would be an import of its own,
// with its glue, and the dialog cost 2.8 KB gzip of the host that way.
#[wasm_bindgen(module = "/js/dialog.js")]
extern "C" {
    /// Shows dialog number `n`; `settle` gets how it ended, once. Returns the function that
    /// aborts it.
    #[wasm_bindgen(catch, js_name = showDialog)]
    fn show_dialog(n: u32, title: &str, text: &str, settle: &Function)
        -> Result<Function, JsValue>;
}

thread_local! {
    static NEXT_ID: Cell<u32> = const { Cell::new(0) };
}

/// An open dialog. Dropping it aborts it.
pub(crate) struct Dialog {
    abort: Function,
    rx: RefCell<Option<oneshot::Receiver<Choice>>>,
    // Called by the dialog's JS until it has ended, which it has once this is dropped (drop
    // aborts it first).
    _settle: Closure<dyn FnMut(JsValue)>,
}

impl Dialog {
    /// Shows a modal dialog with `title`, `text` and Authorize / Cancel, focused on Authorize.
    pub fn show(title: &str, text: &str) -> Result<Dialog, Error> {
        let n = NEXT_ID.with(|c| {
            c.set(c.get() + 1);
            c.get()
        });
        let (tx, rx) = oneshot::channel();
        let mut tx = Some(tx);
        let settle = Closure::<dyn FnMut(JsValue)>::new(move |choice: JsValue| {
            if let Some(tx) = tx.take() {
                let _ = tx.send(Choice::from_js(&choice));
            }
        });
        let abort = show_dialog(n, title, text, settle.as_ref().unchecked_ref())
            .map_err(|e| from_js_error(&e))?;
        Ok(Dialog {
            abort,
            rx: RefCell::new(Some(rx)),
            _settle: settle,
        })
    }

    /// Waits for the person (or [`Dialog::abort`]).
    pub async fn choice(&self) -> Choice {
        let rx = self.rx.borrow_mut().take();
        match rx {
            Some(rx) => rx.await.unwrap_or(Choice::Abort),
            None => Choice::Abort,
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
