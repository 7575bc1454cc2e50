//! Async mode: requests by `postMessage`, answers by message; each call a future (Rust
//! callers) or a JS promise settled straight from the message handler (JS callers: no task
//! to schedule and poll between the answer and the caller's `await`).

use crate::conn::Conn;
use crate::in_flight::InFlight;
use crate::promise::{new_promise, Resolvers};
use fshandles_shared::js::{message, Timer};
use fshandles_shared::protocol::{repeat_request, Reply, Request};
use fshandles_shared::{error, Error, ErrorKind};
use futures_channel::oneshot;
use js_sys::Promise;
use std::any::Any;
use std::cell::RefCell;
use std::rc::{Rc, Weak};
use wasm_bindgen::JsValue;
use web_sys::FileSystemDirectoryHandle;

struct Pending {
    uid: Option<String>,
    tx: AnswerTo,
    _prompt_timer: Option<Timer>,
}

/// Who learns how a call ended.
pub(crate) enum AnswerTo {
    Future(oneshot::Sender<Result<bool, Error>>),
    /// A JS promise, and the client it keeps alive until it settles: a JS caller may drop its
    /// last reference to the client while the call is in flight, and a garbage collection
    /// must not end the call.
    Promise(Resolvers, Rc<dyn Any>),
    Then(Box<dyn FnOnce(Result<bool, Error>)>),
}

impl AnswerTo {
    fn send(self, result: Result<bool, Error>) {
        match self {
            AnswerTo::Future(tx) => drop(tx.send(result)),
            AnswerTo::Then(next) => next(result),
            AnswerTo::Promise(resolvers, _client) => {
                resolvers.settle(result.map(JsValue::from_bool))
            }
        }
    }
}

/// The calls waiting for an answer, and the deadline of a host not heard yet.
#[derive(Default)]
pub(crate) struct Post {
    state: Rc<State>,
}

#[derive(Default)]
struct State {
    pending: RefCell<InFlight<Pending>>,
    /// Runs while the host is unheard: when it fires first, no host took the calls.
    first_contact: RefCell<Option<Timer>>,
}

impl Post {
    pub async fn call(&self, conn: &Rc<Conn>, request: Request) -> Result<bool, Error> {
        let (tx, rx) = oneshot::channel();
        self.start(conn, &request, AnswerTo::Future(tx));
        rx.await
            .unwrap_or_else(|_| Err(Error::new(ErrorKind::Abort, "the call was dropped")))
    }

    /// The call as a JS `Promise<boolean>`, settled by the answer's message handler itself;
    /// `client` is kept until then.
    pub fn call_promise(&self, conn: &Rc<Conn>, request: &Request, client: Rc<dyn Any>) -> Promise {
        let (promise, resolvers) = new_promise();
        self.start(conn, request, AnswerTo::Promise(resolvers, client));
        promise
    }

    /// Posts `request`; `answer_to` learns how it ended, whatever happens (a request that
    /// cannot be encoded or posted is answered at once).
    pub fn start(&self, conn: &Rc<Conn>, request: &Request, answer_to: AnswerTo) {
        let state = &self.state;
        let id = conn.next_id();
        let repeat = conn.link.repeats(request);
        let msg: JsValue = if repeat {
            JsValue::from_f64(repeat_request(id))
        } else {
            match conn.encode(id, request) {
                Ok(bytes) => message::wrap(&bytes).into(),
                Err(e) => return answer_to.send(Err(e)),
            }
        };
        let uid = request.uid().map(str::to_owned);
        state.pending.borrow_mut().insert(
            id,
            Pending {
                uid,
                tx: answer_to,
                _prompt_timer: None,
            },
        );
        if let Err(e) = conn.link.post(&msg) {
            let pending = state.pending.borrow_mut().remove(id);
            if let Some(p) = pending {
                p.tx.send(Err(e));
            }
            return;
        }
        if !repeat {
            conn.link.sent_in_full(request);
        }
        if !conn.link.heard() {
            self.await_first_contact(conn);
        }
    }

    /// A busy host answers late, not never: only the first contact has a deadline, and it is
    /// the connection's, not each call's (a burst of calls behind a long queue is no sign
    /// that the host is gone).
    fn await_first_contact(&self, conn: &Rc<Conn>) {
        let mut timer = self.state.first_contact.borrow_mut();
        if timer.is_some() {
            return;
        }
        let ms = conn.options.timeout_ms;
        let (state, conn) = (Rc::downgrade(&self.state), Rc::downgrade(conn));
        *timer = Some(Timer::new(ms, move || {
            if let (Some(state), Some(conn)) = (state.upgrade(), conn.upgrade()) {
                state.first_contact_lapsed(&conn, ms);
            }
        }));
    }

    /// The host answered something: its first contact is made.
    pub fn heard(&self) {
        self.state.first_contact.borrow_mut().take();
    }

    /// Ends every pending call with `error`.
    pub fn fail_all(&self, error: &Error) {
        self.state.fail_all(error);
    }

    /// An answer to call `id`, with the folder handle that rode on it, if any.
    pub fn on_reply(
        &self,
        conn: &Conn,
        id: u32,
        reply: Reply,
        handle: Option<FileSystemDirectoryHandle>,
    ) {
        let state = &self.state;
        let answer = |result: Result<bool, Error>| {
            let p = state.pending.borrow_mut().remove(id);
            if let Some(p) = p {
                if let (Ok(true), Some(uid), Some(h)) = (&result, &p.uid, handle) {
                    conn.handles.arrived(uid, h);
                }
                p.tx.send(result);
            }
        };
        match reply {
            Reply::Ack => {
                // The host has the call and waits for IndexedDB or a person: only
                // `promptTimeoutMs` bounds that.
                let Some(ms) = conn.options.prompt_timeout_ms else {
                    return;
                };
                let weak: Weak<State> = Rc::downgrade(state);
                let timer = Timer::new(ms, move || {
                    if let Some(state) = weak.upgrade() {
                        let p = state.pending.borrow_mut().remove(id);
                        if let Some(p) = p {
                            p.tx.send(Err(error::no_answer(ms)));
                        }
                    }
                });
                if let Some(p) = state.pending.borrow_mut().get_mut(id) {
                    p._prompt_timer = Some(timer);
                }
            }
            Reply::Answer(granted) => answer(Ok(granted)),
            Reply::Failed(e) => answer(Err(e)),
            Reply::Handle { .. } | Reply::Detached => {}
        }
    }
}

impl State {
    fn first_contact_lapsed(&self, conn: &Conn, ms: f64) {
        self.first_contact.borrow_mut().take();
        if conn.link.heard() {
            return;
        }
        let error = conn.link.no_host(ms);
        conn.unheard();
        self.fail_all(&error);
    }

    fn fail_all(&self, error: &Error) {
        self.first_contact.borrow_mut().take();
        let pending: Vec<_> = self.pending.borrow_mut().drain().collect();
        for p in pending {
            p.tx.send(Err(error.clone()));
        }
    }
}

impl Drop for Post {
    fn drop(&mut self) {
        self.fail_all(&Error::new(ErrorKind::Abort, "the client was dropped"));
    }
}
