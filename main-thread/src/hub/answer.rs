//! Running a request: what the host answers, and the folder that goes along.

use super::Hub;
use crate::attachments::Attachment;
use crate::core::Access;
use crate::reply::Route;
use fshandles_shared::protocol::{DecodeError, Obtain, Reply, Request};
use fshandles_shared::text;
use fshandles_shared::{Error, ErrorKind};
use std::rc::Rc;
use wasm_bindgen::JsValue;
use web_sys::FileSystemDirectoryHandle;

impl Hub {
    /// Runs a decoded request (or answers why it cannot be) and replies by `route`.
    pub(super) fn dispatch(
        self: &Rc<Self>,
        att: &Rc<Attachment>,
        decoded: Result<(u32, Request), DecodeError>,
        route: Route,
    ) {
        match decoded {
            Err(DecodeError::Foreign) => {}
            Err(e) => {
                if let Some(id) = e.id() {
                    if let Route::Frame(f, _) = &route {
                        f.ack(id);
                    }
                    self.replier
                        .send(att, id, &route, Reply::Failed(e.to_error()), None);
                }
            }
            Ok((id, Request::Resume { id: of })) => self.resume(att, id, of, &route),
            Ok((id, request)) => {
                let frame = match &route {
                    Route::Frame(f, _) => Some(f.clone()),
                    Route::Message { .. } => None,
                };
                // Taken once: a second doorbell for the same call finds it acked.
                if frame.as_ref().is_some_and(|f| !f.ack(id)) {
                    return;
                }
                let hub = self.clone();
                let att2 = att.clone();
                let message = frame.is_none().then(|| route.channel().clone());
                let done = crate::run::now_or_later(async move {
                    let (reply, handle) = hub.answer(&att2, route.channel(), request).await;
                    hub.replier.send(&att2, id, &route, reply, handle);
                });
                // Async mode: a request that must wait (IndexedDB, a prompt) is acknowledged,
                // so the worker's "no FsHost" timeout does not mistake a slow host for none.
                if let (false, Some(to)) = (done, message) {
                    self.replier.send(
                        att,
                        id,
                        &Route::Message { to, compact: false },
                        Reply::Ack,
                        None,
                    );
                }
                // Sab mode: the same, by waking the worker to see the ack.
                if let (false, Some(f)) = (done, frame) {
                    f.answer_later();
                }
            }
        }
    }

    /// Runs `request` from the client on `channel`; the reply, and the folder to send along.
    async fn answer(
        &self,
        att: &Attachment,
        channel: &JsValue,
        request: Request,
    ) -> (Reply, Option<(String, FileSystemDirectoryHandle)>) {
        let obtain = |op, uid: String, options, want_handle| async move {
            match self.core.obtain(op, &uid, &options, att.key).await {
                Ok(Access { granted, record }) => {
                    // The folder goes along when the client asks for it, or holds an older one
                    // (picked anew here, or changed by another tab).
                    let record = record.filter(|r| {
                        let news = att.note_sent(channel, &uid, r.generation);
                        granted && (want_handle || news)
                    });
                    (Reply::Answer(granted), record.map(|r| (uid, r.handle)))
                }
                Err(e) => (Reply::Failed(e), None),
            }
        };
        match request {
            Request::Store {
                uid,
                options,
                want_handle,
            } => obtain(Obtain::Store, uid, options, want_handle).await,
            Request::Get {
                uid,
                options,
                want_handle,
            } => obtain(Obtain::Get, uid, options, want_handle).await,
            Request::Delete { uid } => match self.core.delete(&uid).await {
                Ok(existed) => (Reply::Answer(existed), None),
                Err(e) => (Reply::Failed(e), None),
            },
            Request::Handle { uid } => match self.core.handle(&uid).await {
                Ok(r) => {
                    att.note_sent(channel, &uid, r.generation);
                    (Reply::Answer(true), Some((uid, r.handle)))
                }
                Err(e) => (Reply::Failed(e), None),
            },
            // Handled as the message arrives (see `on_message`).
            Request::Resume { .. } => (
                Reply::Failed(Error::new(ErrorKind::Protocol, "misrouted resume")),
                None,
            ),
        }
    }

    /// Sab mode: the worker comes back with a larger buffer for a reply that did not fit.
    pub(super) fn resume(&self, att: &Attachment, id: u32, of: u32, route: &Route) {
        let stashed = att.stash.borrow_mut().remove(&of);
        let reply = stashed.unwrap_or_else(|| {
            Reply::Failed(Error::new(
                ErrorKind::Protocol,
                text!("no reply to request ", of, " is waiting"),
            ))
        });
        self.replier.send(att, id, route, reply, None);
    }
}
