//! Sab mode: the worker blocks on a `SharedArrayBuffer` until the host answers in it.
//!
//! The first request carries the buffer in a message; after the host has answered from it,
//! a request is written into the buffer and announced by `Atomics.notify` when the host waits
//! on the buffer itself (`Atomics.waitAsync`), else by a bare number posted (a doorbell).

use crate::conn::Conn;
use fshandles_shared::frame::Waited;
use fshandles_shared::js::{message, SharedFrame};
use fshandles_shared::protocol::{decode_reply, Reply, Request};
use fshandles_shared::text;
use fshandles_shared::{error, frame, Error, ErrorKind};
use std::cell::{Cell, RefCell};
use wasm_bindgen::JsValue;

pub(crate) struct Sab {
    frame: RefCell<SharedFrame>,
    /// The host has this buffer (it answered from it), so a doorbell is enough.
    known: Cell<bool>,
    /// The page gave the host this buffer itself: it never travels, and cannot be replaced.
    handed: bool,
}

impl Sab {
    pub fn new(buffer_bytes: usize) -> Result<Sab, Error> {
        Ok(Sab {
            frame: RefCell::new(SharedFrame::new(buffer_bytes)?),
            known: Cell::new(false),
            handed: false,
        })
    }

    /// Over a buffer the page handed to its host (`host.attach_buffer`).
    pub fn handed(buffer: &JsValue) -> Result<Sab, Error> {
        Ok(Sab {
            frame: RefCell::new(SharedFrame::from_js(buffer)?),
            known: Cell::new(true),
            handed: true,
        })
    }

    /// Makes the call, blocking the worker until it is answered.
    pub fn call(&self, conn: &Conn, request: &Request) -> Result<bool, Error> {
        let mut id = conn.next_id();
        let mut waited = self.exchange(conn, id, request)?;
        while let Waited::Overflow(needed) = waited {
            if self.handed {
                return Err(Error::new(
                    ErrorKind::Protocol,
                    text!(
                        "the answer needs ",
                        needed,
                        " bytes, more than the handed buffer holds"
                    ),
                ));
            }
            // The reply waits at the host: come back with a buffer it fits in, and keep that one.
            self.replace(frame::bytes_for(needed))?;
            let of = id;
            id = conn.next_id();
            waited = self.exchange(conn, id, &Request::Resume { id: of })?;
        }
        let (rid, reply) = {
            let frame = self.frame.borrow();
            let mut buf = conn.buf.borrow_mut();
            frame.read_reply(&mut buf)?;
            decode_reply(&buf).map_err(|e| e.to_error())?
        };
        if !frame::same_seq(rid, id) {
            return Err(Error::new(
                ErrorKind::Protocol,
                text!(
                    "the shared buffer holds the answer to request ",
                    rid,
                    ", not ",
                    id
                ),
            ));
        }
        match reply {
            Reply::Answer(granted) => {
                if let (true, Some(uid)) = (granted, brings_handle(request)) {
                    conn.handles.expect(uid);
                }
                Ok(granted)
            }
            Reply::Failed(e) => {
                if e.kind == ErrorKind::Detached {
                    self.detached(conn);
                }
                Err(e)
            }
            other => Err(Error::new(
                ErrorKind::Protocol,
                text!("unexpected reply ", other.name(), " in the shared buffer"),
            )),
        }
    }

    fn exchange(&self, conn: &Conn, id: u32, request: &Request) -> Result<Waited, Error> {
        let frame = self.frame.borrow().clone();
        {
            let buf = conn.encode(id, request)?;
            let doorbell =
                self.known.get() && !conn.link.needs_object() && frame.begin_with(id, &buf);
            if self.handed && !doorbell {
                return Err(Error::new(
                    ErrorKind::Data,
                    "the request does not fit the handed buffer",
                ));
            }
            if doorbell && frame.watched() {
                // The host waits on the buffer itself: no message at all.
                frame.ring();
            } else if doorbell {
                conn.link.post(&JsValue::from(id))?;
            } else {
                let msg = message::wrap(&buf);
                message::attach(&msg, message::SAB, frame.buffer());
                frame.begin(id);
                conn.link.post(&msg)?;
            }
        }
        let options = &conn.options;
        let waited = frame.wait(id, options.timeout_ms, options.prompt_timeout_ms);
        match waited {
            Ok(Waited::NoHost) => {
                self.known.set(self.handed);
                let e = conn.link.no_host(options.timeout_ms);
                conn.unheard();
                Err(e)
            }
            Ok(Waited::Released) => {
                self.detached(conn);
                Err(error::detached())
            }
            Ok(w) => {
                conn.link.hear();
                self.known.set(true);
                Ok(w)
            }
            Err(e) => {
                self.known.set(self.handed);
                Err(e)
            }
        }
    }

    /// The host let go of this client: the next call starts over, with a new buffer.
    pub fn detached(&self, conn: &Conn) {
        conn.detached();
        self.renew();
    }

    /// The host let go of this buffer: the next call brings a new one.
    fn renew(&self) {
        let released = self.frame.borrow().released();
        if released && !self.handed {
            let bytes = self.frame.borrow().byte_length();
            // A buffer of a size this client made before cannot fail to be made again.
            let _ = self.replace(bytes);
        }
        self.known.set(self.handed);
    }

    fn replace(&self, buffer_bytes: usize) -> Result<(), Error> {
        *self.frame.borrow_mut() = SharedFrame::new(buffer_bytes)?;
        self.known.set(self.handed);
        Ok(())
    }
}

/// The uid whose folder the host posts with a granted answer to `request`, if it does.
fn brings_handle(request: &Request) -> Option<&str> {
    match request {
        Request::Store {
            uid,
            want_handle: true,
            ..
        }
        | Request::Get {
            uid,
            want_handle: true,
            ..
        }
        | Request::Handle { uid } => Some(uid),
        _ => None,
    }
}
