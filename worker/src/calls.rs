//! A client's calls: the transport of its mode, how each call travels, and the answers that
//! come back from the host.

use crate::conn::Conn;
use crate::post::{AnswerTo, Post};
use crate::sab::Sab;
use crate::scope::not_supported;
use fshandles_shared::js::message;
use fshandles_shared::protocol::{
    decode_reply, read_compact_answer, DecodeError, Obtain, Reply, Request,
};
use fshandles_shared::{error, Error, MountOptions};
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use web_sys::FileSystemDirectoryHandle;

/// How this client's calls travel; each transport owns its state.
pub(crate) enum Transport {
    /// Blocking, on a shared buffer.
    Sab(Sab),
    /// Futures, over messages.
    Async(Post),
}

/// One client's state: what both transports share, and its own transport.
pub(crate) struct Calls {
    pub conn: Rc<Conn>,
    pub transport: Transport,
}

/// A delete request.
pub(crate) fn delete(uid: &str) -> Request {
    Request::Delete {
        uid: uid.to_owned(),
    }
}

impl Calls {
    /// A store or get request; the host sends the folder along unless we hold it.
    pub(crate) fn obtain(&self, kind: Obtain, uid: &str, options: &MountOptions) -> Request {
        let want_handle = !self.conn.handles.has_or_expects(uid);
        Request::obtain(kind, uid.to_owned(), options.clone(), want_handle)
    }

    pub(crate) async fn call(&self, request: Request) -> Result<bool, Error> {
        match &self.transport {
            Transport::Sab(sab) => sab.call(&self.conn, &request),
            Transport::Async(post) => post.call(&self.conn, request).await,
        }
    }

    pub(crate) fn call_promise(self: &Rc<Self>, request: &Request) -> Option<js_sys::Promise> {
        match &self.transport {
            Transport::Sab(_) => None,
            Transport::Async(post) => Some(post.call_promise(&self.conn, request, self.clone())),
        }
    }

    /// Makes the call in either mode; `then` gets its answer (at once in sab mode, from the
    /// answer's message handler in async mode).
    pub(crate) fn call_then(
        &self,
        request: &Request,
        then: impl FnOnce(Result<bool, Error>) + 'static,
    ) {
        match &self.transport {
            Transport::Sab(sab) => then(sab.call(&self.conn, request)),
            Transport::Async(post) => {
                post.start(&self.conn, request, AnswerTo::Then(Box::new(then)))
            }
        }
    }

    pub(crate) fn call_blocking(&self, request: &Request) -> Result<bool, Error> {
        match &self.transport {
            Transport::Sab(sab) => sab.call(&self.conn, request),
            Transport::Async(_) => Err(not_supported(
                "blocking calls need sab mode; this client is in async mode (await the call instead)",
            )),
        }
    }

    /// The host let go of this client: what was in flight fails, and the next call starts over.
    pub(crate) fn detached(&self) {
        match &self.transport {
            Transport::Sab(sab) => sab.detached(&self.conn),
            Transport::Async(post) => {
                self.conn.detached();
                post.fail_all(&error::detached());
            }
        }
    }

    pub(crate) fn on_message(&self, data: &JsValue) {
        let conn = &self.conn;
        // A bare number from the host is an async answer (sab clients have theirs in the
        // buffer; doorbells go the other way).
        if let Some(n) = data.as_f64() {
            if let (Transport::Async(post), true, Some((id, answer))) =
                (&self.transport, conn.link.private(), read_compact_answer(n))
            {
                conn.link.hear();
                conn.link.heard_number();
                post.heard();
                post.on_reply(conn, id, Reply::Answer(answer), None);
            }
            return;
        }
        let decoded = {
            let mut buf = conn.buf.borrow_mut();
            if !message::unwrap_into(data, &mut buf) {
                return;
            }
            decode_reply(&buf)
        };
        let (id, reply) = match decoded {
            Ok(r) => r,
            Err(DecodeError::Foreign) => return,
            Err(e) => match e.id() {
                Some(id) => (id, Reply::Failed(e.to_error())),
                None => return,
            },
        };
        let handle = || {
            message::get(data, message::HANDLE)
                .and_then(|h| h.dyn_into::<FileSystemDirectoryHandle>().ok())
        };
        if reply == Reply::Detached {
            return self.detached();
        }
        conn.link.hear();
        match (&self.transport, reply) {
            (_, Reply::Handle { uid }) => match handle() {
                Some(h) => conn.handles.arrived(&uid, h),
                None => conn.handles.forget(&uid),
            },
            (Transport::Async(post), reply) => {
                post.heard();
                post.on_reply(conn, id, reply, handle());
            }
            (Transport::Sab(_), _) => {}
        }
    }
}
