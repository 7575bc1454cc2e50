//! The reply path: an answer goes back by message (async mode) or into the client's shared
//! buffer (sab mode), and always goes: the worker must never be left waiting.

use crate::attachments::Attachment;
use fshandles_shared::frame::Written;
use fshandles_shared::js::bindings::post;
use fshandles_shared::js::{message, SharedFrame};
use fshandles_shared::protocol::{self, Reply};
use fshandles_shared::text;
use fshandles_shared::{Error, ErrorKind};
use std::cell::{RefCell, RefMut};
use wasm_bindgen::JsValue;
use web_sys::FileSystemDirectoryHandle;

/// Replies too long for a worker's buffer kept per worker (a worker that never resumes cannot
/// grow the host).
const STASH_LIMIT: usize = 8;
/// Error messages are cut to this many characters before they cross: an answer must always fit.
const MAX_ERROR_CHARS: usize = 2000;

/// Where the answer to one request goes.
pub(crate) enum Route {
    /// By message, to the worker or to the client's port; a yes or no as a bare number where
    /// `compact` (the client's own port, a client that reads them).
    Message {
        /// The worker or port.
        to: JsValue,
        /// Whether a plain answer may go as a [`protocol::compact_answer`].
        compact: bool,
    },
    /// Into the client's shared buffer (a handle, if any, by message to `JsValue`).
    Frame(SharedFrame, JsValue),
}

impl Route {
    pub fn channel(&self) -> &JsValue {
        match self {
            Route::Message { to, .. } | Route::Frame(_, to) => to,
        }
    }
}

/// Sends answers; its scratch buffer is reused for every one.
pub(crate) struct Replier {
    scratch: RefCell<Vec<u8>>,
}

impl Replier {
    pub fn new() -> Self {
        Replier {
            scratch: RefCell::new(Vec::with_capacity(256)),
        }
    }

    /// Encodes `reply` for `id` into the scratch buffer. Never fails: an answer that cannot be
    /// encoded becomes an error answer that can.
    fn encode(&self, id: u32, reply: Reply) -> RefMut<'_, Vec<u8>> {
        let mut buf = self.scratch.borrow_mut();
        let reply = match reply {
            Reply::Failed(mut e) if e.message.chars().count() > MAX_ERROR_CHARS => {
                e.message = e.message.chars().take(MAX_ERROR_CHARS).collect::<String>() + "…";
                Reply::Failed(e)
            }
            other => other,
        };
        if let Err(e) = protocol::encode_reply(id, &reply, &mut buf) {
            let fallback = Reply::Failed(Error::new(
                ErrorKind::Protocol,
                text!("the host could not encode its answer (", e.kind.name(), ")"),
            ));
            let _ = protocol::encode_reply(id, &fallback, &mut buf);
        }
        buf
    }

    /// Sends `reply` to call `id` by `route`, with the folder `handle` beside it.
    pub fn send(
        &self,
        att: &Attachment,
        id: u32,
        route: &Route,
        reply: Reply,
        handle: Option<(String, FileSystemDirectoryHandle)>,
    ) {
        // Answered even after a detach: a worker blocked in sab mode must be woken, and an
        // async one told its request was abandoned rather than left waiting.
        if !matches!(reply, Reply::Ack) {
            att.served.set(att.served.get() + 1);
        }
        let to = route.channel();
        match route {
            Route::Message { compact, .. } => {
                if let (true, Reply::Answer(answer), None) = (compact, &reply, &handle) {
                    let number = JsValue::from_f64(protocol::compact_answer(id, *answer));
                    if post(to, &number).is_ok() {
                        return;
                    }
                }
                let msg = message::wrap(&self.encode(id, reply));
                if let Some((_, h)) = &handle {
                    message::attach(&msg, message::HANDLE, h);
                }
                if let Err(e) = post(to, &msg) {
                    let failed = Reply::Failed(Error::new(
                        e.kind,
                        text!("the host could not post its answer: ", e.message),
                    ));
                    let _ = post(to, &message::wrap(&self.encode(id, failed)));
                }
            }
            Route::Frame(frame, _) => {
                // The handle goes first, by message: it is queued in the worker before the
                // worker wakes, so `client.handle(uid)` finds it at its next await.
                if let Some((uid, h)) = handle {
                    let msg = message::wrap(&self.encode(id, Reply::Handle { uid }));
                    message::attach(&msg, message::HANDLE, &h);
                    let _ = post(to, &msg);
                }
                let written = frame.reply(id, &self.encode(id, reply.clone()));
                if written == Written::Overflow {
                    let mut stash = att.stash.borrow_mut();
                    if stash.len() >= STASH_LIMIT {
                        stash.clear();
                    }
                    stash.insert(id, reply);
                }
            }
        }
    }
}

#[cfg(test)]
#[allow(clippy::disallowed_macros, clippy::disallowed_types)] // tests: they ship nowhere
mod tests {
    use super::*;
    use fshandles_shared::protocol::decode_reply;

    fn decoded(r: &Replier, id: u32, reply: Reply) -> (u32, Reply) {
        let bytes = r.encode(id, reply).clone();
        decode_reply(&bytes).expect("an answer always decodes")
    }

    #[test]
    fn answers_cross_as_they_are() {
        let r = Replier::new();
        assert_eq!(
            decoded(&r, 7, Reply::Answer(true)),
            (7, Reply::Answer(true))
        );
        let e = Reply::Failed(Error::new(ErrorKind::NotFound, "no folder"));
        assert_eq!(decoded(&r, 8, e.clone()), (8, e));
    }

    #[test]
    fn a_long_error_message_is_cut_so_that_the_answer_fits() {
        let r = Replier::new();
        let long = "é".repeat(MAX_ERROR_CHARS * 3);
        let (id, reply) = decoded(&r, 9, Reply::Failed(Error::new(ErrorKind::Unknown, long)));
        assert_eq!(id, 9);
        let Reply::Failed(e) = reply else {
            panic!("an error answer")
        };
        assert_eq!(e.kind, ErrorKind::Unknown);
        assert_eq!(e.message.chars().count(), MAX_ERROR_CHARS + 1);
        assert!(e.message.ends_with('…'));
    }
}
