//! The page's handle on the Rust worker.

use crate::commands::{Command, Outcome, Request};
use crate::worker::DemoWorker;
use fshandles_shared::codec::{JsCodec, SharedBuffer};
use futures_channel::oneshot;
use gloo_worker::{Spawnable, WorkerBridge};
use js_sys::{Object, Promise, Reflect};
use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;

type Pending = Rc<RefCell<HashMap<u32, oneshot::Sender<Outcome>>>>;

/// The Rust worker, spawned with gloo-worker.
#[wasm_bindgen]
pub struct RustWorker {
    bridge: WorkerBridge<DemoWorker>,
    pending: Pending,
    next: Cell<u32>,
    buffer: Option<js_sys::SharedArrayBuffer>,
}

#[wasm_bindgen]
impl RustWorker {
    /// Spawns the worker from `script` (this module's JS) and connects its FsClient over the
    /// `BroadcastChannel` named `channel`; on a cross-origin isolated page, in sab mode over
    /// a shared buffer (`buffer`: hand it to the host with `host.attachBuffer(channel, buffer)`).
    #[wasm_bindgen(constructor)]
    pub fn new(script: &str, channel: &str) -> RustWorker {
        let buffer = fshandles_worker::FsClient::new_buffer().ok();
        let pending: Pending = Rc::default();
        let bridge = {
            let pending = pending.clone();
            DemoWorker::spawner()
                .encoding::<JsCodec>()
                .as_module(true)
                .callback(move |outcome: Outcome| {
                    if let Some(tx) = pending.borrow_mut().remove(&outcome.id) {
                        let _ = tx.send(outcome);
                    }
                })
                .spawn(script)
        };
        let worker = RustWorker {
            bridge,
            pending,
            next: Cell::new(0),
            buffer: buffer.clone(),
        };
        drop(worker.request(Command::Connect {
            channel: channel.to_owned(),
            buffer: buffer.map(|b| SharedBuffer(b.into())),
        }));
        worker
    }

    /// The shared buffer of sab mode, for `host.attachBuffer(channel, buffer)`; undefined on
    /// a page that is not cross-origin isolated (the worker runs async there).
    #[wasm_bindgen(getter)]
    pub fn buffer(&self) -> Option<js_sys::SharedArrayBuffer> {
        self.buffer.clone()
    }

    /// Runs `op` (`pick`, `list`, `write`, `read`, `regrant`, `revoke`); resolves with
    /// `{ok, text, mode}`.
    pub fn send(&self, op: &str, text: Option<String>) -> Result<Promise, JsValue> {
        let command = match op {
            "pick" => Command::Pick,
            "list" => Command::List,
            "write" => Command::Write {
                text: text.unwrap_or_default(),
            },
            "read" => Command::Read,
            "regrant" => Command::Regrant,
            "revoke" => Command::Revoke,
            "loop" => Command::Loop {
                n: text.and_then(|t| t.parse().ok()).unwrap_or(10_000),
            },
            other => return Err(js_sys::Error::new(&format!("unknown operation {other:?}")).into()),
        };
        Ok(self.request(command))
    }
}

impl RustWorker {
    fn request(&self, command: Command) -> Promise {
        let id = self.next.get() + 1;
        self.next.set(id);
        let (tx, rx) = oneshot::channel();
        self.pending.borrow_mut().insert(id, tx);
        self.bridge.send(Request { id, command });
        future_to_promise(async move {
            let outcome = rx
                .await
                .map_err(|_| JsValue::from_str("the Rust worker went away"))?;
            let o = Object::new();
            let _ = Reflect::set(&o, &"ok".into(), &outcome.ok.into());
            let _ = Reflect::set(&o, &"text".into(), &outcome.text.into());
            let _ = Reflect::set(&o, &"mode".into(), &outcome.mode.into());
            Ok(o.into())
        })
    }
}
