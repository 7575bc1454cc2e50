//! The page's handle on the Rust worker.

use crate::commands::{Command, Outcome, Request};
use crate::worker::DemoWorker;
use fshandles_shared::codec::Postcard;
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
}

#[wasm_bindgen]
impl RustWorker {
    /// Spawns the worker from `script` (this module's JS) and connects its FsClient over the
    /// `BroadcastChannel` named `channel`.
    #[wasm_bindgen(constructor)]
    pub fn new(script: &str, channel: &str) -> RustWorker {
        let pending: Pending = Rc::default();
        let bridge = {
            let pending = pending.clone();
            DemoWorker::spawner()
                .encoding::<Postcard>()
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
        };
        drop(worker.request(Command::Connect {
            channel: channel.to_owned(),
        }));
        worker
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
