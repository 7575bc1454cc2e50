//! An `addEventListener` registration that is removed when dropped, so no closure outlives
//! what it listens to and none is leaked.

use alloc::boxed::Box;
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    type Target;

    #[wasm_bindgen(method, js_name = addEventListener)]
    fn add_event_listener(this: &Target, kind: &str, listener: &js_sys::Function);

    #[wasm_bindgen(method, js_name = removeEventListener)]
    fn remove_event_listener(this: &Target, kind: &str, listener: &js_sys::Function);

    #[wasm_bindgen(js_name = MessagePort)]
    type Port;

    #[wasm_bindgen(method)]
    fn start(this: &Port);
}

/// Whether `value` can carry fshandles messages: it has `postMessage` and `addEventListener`
/// (a Worker, a MessagePort, a BroadcastChannel, a worker's global scope).
pub fn is_channel(value: &JsValue) -> bool {
    let has = |name: &str| {
        js_sys::Reflect::get(value, &name.into())
            .map(|f| f.is_function())
            .unwrap_or(false)
    };
    value.is_object() && has("postMessage") && has("addEventListener")
}

/// Listens for `kind` events on a target until dropped.
pub struct EventListener {
    target: JsValue,
    kind: &'static str,
    callback: Closure<dyn FnMut(JsValue)>,
}

impl EventListener {
    /// Calls `callback` with every `kind` event on `target` (anything with
    /// `addEventListener`: a Worker, a MessagePort, a worker's global scope, a DOM element).
    pub fn new(
        target: &JsValue,
        kind: &'static str,
        callback: impl FnMut(JsValue) + 'static,
    ) -> Self {
        let callback = Closure::wrap(Box::new(callback) as Box<dyn FnMut(JsValue)>);
        target
            .unchecked_ref::<Target>()
            .add_event_listener(kind, callback.as_ref().unchecked_ref());
        EventListener {
            target: target.clone(),
            kind,
            callback,
        }
    }

    /// Calls `callback` with every message on `channel`; a `MessagePort` is started, since it
    /// queues messages until then (`onmessage` starts one, `addEventListener` does not).
    pub fn on_messages(channel: &JsValue, callback: impl FnMut(JsValue) + 'static) -> Self {
        let listener = Self::new(channel, "message", callback);
        if let Some(port) = channel.dyn_ref::<Port>() {
            port.start();
        }
        listener
    }

    /// What this listens to.
    pub fn target(&self) -> &JsValue {
        &self.target
    }
}

impl Drop for EventListener {
    fn drop(&mut self) {
        self.target
            .unchecked_ref::<Target>()
            .remove_event_listener(self.kind, self.callback.as_ref().unchecked_ref());
    }
}
