//! A postcard [`Codec`](gloo_worker::Codec) for gloo-worker: the same compact encoding the
//! protocol uses, for an app's own messages between a page and its gloo worker.
//!
//! ```ignore
//! // A gloo worker spawned from the page (see demo/rust for a whole one):
//! let bridge = MyWorker::spawner().encoding::<Postcard>().as_module(true).spawn("/worker.js");
//! // and registered in the worker:
//! MyWorker::registrar().encoding::<Postcard>().register();
//! ```

use alloc::vec::Vec;
use gloo_worker::Codec;
use js_sys::Uint8Array;
use serde::{Deserialize, Serialize};
use wasm_bindgen::JsValue;

/// Encodes gloo-worker messages with postcard.
#[derive(Debug)]
pub struct Postcard;

impl Codec for Postcard {
    fn encode<I: Serialize>(input: I) -> JsValue {
        // Serializing our own plain types into a Vec cannot fail.
        let bytes: Vec<u8> = postcard::to_allocvec(&input).unwrap_or_default();
        Uint8Array::from(bytes.as_slice()).into()
    }

    fn decode<O: for<'de> Deserialize<'de>>(input: JsValue) -> O {
        let bytes = Uint8Array::new(&input).to_vec();
        // gloo's trait has no error path; its own codec panics alike. The bridge's channel
        // carries only the bridge's messages.
        match postcard::from_bytes(&bytes) {
            Ok(o) => o,
            Err(e) => panic!("a gloo-worker message is not postcard: {e}"),
        }
    }
}
