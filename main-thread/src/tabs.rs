//! Other tabs of the same origin: every host of a namespace sees what the others store.
//!
//! A host keeps its records in memory (a store-hit must not wait for IndexedDB), so a host that
//! writes or deletes a record says so on a `BroadcastChannel` named after the database, and the
//! others drop that uid from memory: their next call reads IndexedDB. A prompt holds a Web Lock
//! on its uid, so a tab opened while another is prompting waits for that answer instead of
//! showing a second picker.

use fshandles_shared::js::EventListener;
use fshandles_shared::text;
use futures_channel::oneshot;
use js_sys::{Function, Object, Promise, Reflect};
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;

/// The key a change notice carries its uid under.
const CHANGED: &str = "fshandlesChanged";

/// The channel between the hosts of one namespace.
pub(crate) struct Tabs {
    channel: Option<web_sys::BroadcastChannel>,
    _listener: Option<EventListener>,
    name: String,
}

impl Drop for Tabs {
    fn drop(&mut self) {
        // The host is going: the other hosts' notices are no longer anyone's.
        if let Some(channel) = &self.channel {
            channel.close();
        }
    }
}

impl Tabs {
    /// Listens to the other hosts of `database`; `changed(uid)` runs for each uid they change.
    pub fn new(database: &str, changed: impl Fn(&str) + 'static) -> Tabs {
        let name = text!("fshandles:", database);
        // No BroadcastChannel (a very old browser): each host is on its own, as before.
        let channel = web_sys::BroadcastChannel::new(&name).ok();
        let listener = channel.as_ref().map(|c| {
            EventListener::new(c.as_ref(), "message", move |event| {
                let data = Reflect::get(&event, &"data".into()).unwrap_or(JsValue::UNDEFINED);
                let uid = data
                    .is_object()
                    .then(|| Reflect::get(&data, &CHANGED.into()).ok())
                    .flatten()
                    .and_then(|v| v.as_string());
                if let Some(uid) = uid {
                    changed(&uid);
                }
            })
        });
        Tabs {
            channel,
            _listener: listener,
            name,
        }
    }

    /// Tells the other hosts that the record of `uid` changed (after IndexedDB committed).
    pub fn announce(&self, uid: &str) {
        if let Some(channel) = &self.channel {
            let msg = Object::new();
            let _ = Reflect::set(&msg, &CHANGED.into(), &uid.into());
            let _ = channel.post_message(&msg);
        }
    }

    /// Waits until no other tab prompts for `uid`, and holds that until the guard drops. None
    /// where Web Locks are missing (then tabs may prompt at once, as before).
    pub async fn prompt_lock(&self, uid: &str) -> Option<LockGuard> {
        let locks = Reflect::get(&js_sys::global(), &"navigator".into())
            .and_then(|n| Reflect::get(&n, &"locks".into()))
            .ok()
            .filter(|l| l.is_object())?;
        let request = Reflect::get(&locks, &"request".into())
            .ok()?
            .dyn_into::<Function>()
            .ok()?;
        // The lock is held until the promise its callback returns settles: `release` settles it.
        let mut release: Option<Function> = None;
        let held = Promise::new(&mut |resolve, _| release = Some(resolve));
        // Granted (true), or the request failed (false): whichever comes first.
        let (tx, rx) = oneshot::channel::<bool>();
        let tx = Rc::new(RefCell::new(Some(tx)));
        let settle = move |got: bool| {
            if let Some(tx) = tx.borrow_mut().take() {
                let _ = tx.send(got);
            }
        };
        let on_granted = Closure::once_into_js({
            let settle = settle.clone();
            move |_lock: JsValue| -> JsValue {
                settle(true);
                held.into()
            }
        });
        let on_failed = Closure::<dyn FnMut(JsValue)>::new(move |_| settle(false));
        let name = text!(self.name.as_str(), "/", uid);
        let done = request
            .call2(&locks, &name.into(), &on_granted)
            .ok()?
            .dyn_into::<Promise>()
            .ok()?;
        let _ = done.catch(&on_failed);
        if !rx.await.unwrap_or(false) {
            return None;
        }
        Some(LockGuard {
            release: release?,
            _on_failed: on_failed,
        })
    }
}

/// A held Web Lock; dropping it lets the next tab go.
pub(crate) struct LockGuard {
    release: Function,
    _on_failed: Closure<dyn FnMut(JsValue)>,
}

impl Drop for LockGuard {
    fn drop(&mut self) {
        let _ = self.release.call0(&JsValue::UNDEFINED);
    }
}
