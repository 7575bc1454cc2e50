//! What both transports share: the options, the way to the host, the folders held, and the
//! scratch buffer calls are encoded in.

use crate::handles::Handles;
use crate::link::{Link, OnMessage};
use crate::options::ConnectOptions;
use fshandles_shared::protocol::{encode_request, Request};
use fshandles_shared::Error;
use std::cell::{Cell, RefCell, RefMut};
use wasm_bindgen::JsValue;

pub(crate) struct Conn {
    pub options: ConnectOptions,
    pub link: Link,
    pub handles: Handles,
    next_id: Cell<u32>,
    pub buf: RefCell<Vec<u8>>,
}

impl Conn {
    pub fn new(
        options: ConnectOptions,
        given_port: Option<JsValue>,
        on_message: OnMessage,
    ) -> Conn {
        Conn {
            link: Link::new(given_port, on_message),
            options,
            handles: Handles::default(),
            next_id: Cell::new(1),
            buf: RefCell::new(Vec::with_capacity(256)),
        }
    }

    pub fn next_id(&self) -> u32 {
        let id = self.next_id.get();
        self.next_id.set(id.wrapping_add(1));
        id
    }

    /// `request` encoded as call `id`, in the scratch buffer.
    pub fn encode(&self, id: u32, request: &Request) -> Result<RefMut<'_, Vec<u8>>, Error> {
        let mut buf = self.buf.borrow_mut();
        encode_request(id, request, &mut buf)?;
        Ok(buf)
    }

    /// The first contact found no host: start over with the next call.
    pub fn unheard(&self) {
        self.link.unheard();
        self.handles.abandon_coming();
    }

    /// The host let go: nothing sent on this link will be answered.
    pub fn detached(&self) {
        self.link.detach();
        self.handles.abandon_coming();
    }
}
