//! The `<dialog>` that asks a person for the click a picker or permission prompt needs.
//!
//! Every way it can end settles it exactly once and removes it from the DOM: Authorize,
//! Cancel, Escape (the `cancel`/`close` events), and [`Dialog::abort`] (the worker that asked
//! was detached).

use fshandles_shared::js::{from_js_error, EventListener};
use fshandles_shared::text;
use fshandles_shared::{Error, ErrorKind};
use futures_channel::oneshot;
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use wasm_bindgen::JsCast;
use web_sys::{Document, Element, HtmlButtonElement, HtmlDialogElement};

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

thread_local! {
    static NEXT_ID: Cell<u32> = const { Cell::new(0) };
}

const DIALOG_STYLE: &str = "font:15px/1.45 system-ui,-apple-system,'Segoe UI',sans-serif;color:#1d2330;background:#fff;border:none;border-radius:14px;padding:22px 24px 18px;max-width:28rem;box-shadow:0 18px 50px rgba(15,23,42,.28)";
const TITLE_STYLE: &str = "margin:0 0 6px;font-size:17px;font-weight:600";
const TEXT_STYLE: &str = "margin:0 0 18px;color:#475069";
const ROW_STYLE: &str = "display:flex;gap:10px;justify-content:flex-end";
const PRIMARY_STYLE: &str = "font:inherit;font-weight:600;padding:8px 16px;border-radius:8px;border:1px solid #2457d6;background:#2f66e8;color:#fff;cursor:pointer";
const SECONDARY_STYLE: &str = "font:inherit;padding:8px 16px;border-radius:8px;border:1px solid #c8cedb;background:#f5f7fb;color:#1d2330;cursor:pointer";

struct Shared {
    el: HtmlDialogElement,
    tx: RefCell<Option<oneshot::Sender<Choice>>>,
}

impl Shared {
    fn settle(&self, choice: Choice) {
        if let Some(tx) = self.tx.borrow_mut().take() {
            let _ = tx.send(choice);
            if self.el.open() {
                self.el.close();
            }
            self.el.remove();
        }
    }
}

/// An open dialog. Dropping it aborts it.
pub(crate) struct Dialog {
    shared: Rc<Shared>,
    rx: RefCell<Option<oneshot::Receiver<Choice>>>,
    _listeners: Vec<EventListener>,
}

fn element<T: JsCast>(doc: &Document, tag: &str, style: &str, text: &str) -> Result<T, Error> {
    let el = doc.create_element(tag).map_err(|e| from_js_error(&e))?;
    // Through the CSSOM, not a `style` attribute: a page whose Content-Security-Policy has no
    // 'unsafe-inline' styles blocks the attribute, not this.
    if let Some(html) = el.dyn_ref::<web_sys::HtmlElement>() {
        html.style().set_css_text(style);
    }
    el.set_text_content(Some(text));
    el.dyn_into::<T>().map_err(|_| {
        Error::new(
            ErrorKind::NotSupported,
            text!("<", tag, "> is not supported here"),
        )
    })
}

impl Dialog {
    /// Shows a modal dialog with `title`, `text` and Authorize / Cancel, focused on Authorize.
    pub fn show(title: &str, text: &str) -> Result<Dialog, Error> {
        let doc = web_sys::window()
            .and_then(|w| w.document())
            .ok_or_else(|| {
                Error::new(ErrorKind::NotSupported, "no document to show a dialog in")
            })?;
        let body = doc.body().ok_or_else(|| {
            Error::new(
                ErrorKind::NotSupported,
                "the page has no <body> to show a dialog in",
            )
        })?;
        let n = NEXT_ID.with(|c| {
            c.set(c.get() + 1);
            c.get()
        });
        let el: HtmlDialogElement = element(&doc, "dialog", DIALOG_STYLE, "")?;
        el.set_class_name("fshandles-dialog");
        let title_id = text!("fshandles-dialog-title-", n);
        let text_id = text!("fshandles-dialog-text-", n);
        let _ = el.set_attribute("aria-labelledby", &title_id);
        let _ = el.set_attribute("aria-describedby", &text_id);
        let h: Element = element(&doc, "h2", TITLE_STYLE, title)?;
        h.set_id(&title_id);
        let p: Element = element(&doc, "p", TEXT_STYLE, text)?;
        p.set_id(&text_id);
        let row: Element = element(&doc, "div", ROW_STYLE, "")?;
        let cancel: HtmlButtonElement = element(&doc, "button", SECONDARY_STYLE, "Cancel")?;
        cancel.set_type("button");
        cancel.set_class_name("fshandles-cancel");
        let authorize: HtmlButtonElement = element(&doc, "button", PRIMARY_STYLE, "Authorize")?;
        authorize.set_type("button");
        authorize.set_class_name("fshandles-authorize");
        let _ = authorize.set_attribute("autofocus", "");
        for child in [&h, &p, &row] {
            el.append_child(child).map_err(|e| from_js_error(&e))?;
        }
        row.append_child(&cancel).map_err(|e| from_js_error(&e))?;
        row.append_child(&authorize)
            .map_err(|e| from_js_error(&e))?;

        let (tx, rx) = oneshot::channel();
        let shared = Rc::new(Shared {
            el: el.clone(),
            tx: RefCell::new(Some(tx)),
        });
        let on = |target: &wasm_bindgen::JsValue, kind: &'static str, choice: Choice| {
            let shared = shared.clone();
            EventListener::new(target, kind, move |_| shared.settle(choice))
        };
        let listeners = vec![
            on(authorize.as_ref(), "click", Choice::Authorize),
            on(cancel.as_ref(), "click", Choice::Cancel),
            // Escape fires `cancel` and then `close`; any other close counts as Cancel too.
            on(el.as_ref(), "close", Choice::Cancel),
        ];
        body.append_child(&el).map_err(|e| from_js_error(&e))?;
        if let Err(e) = el.show_modal() {
            shared.settle(Choice::Abort);
            return Err(from_js_error(&e));
        }
        let _ = authorize.focus();
        Ok(Dialog {
            shared,
            rx: RefCell::new(Some(rx)),
            _listeners: listeners,
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
        self.shared.settle(Choice::Abort);
    }
}

impl Drop for Dialog {
    fn drop(&mut self) {
        self.shared.settle(Choice::Abort);
    }
}
