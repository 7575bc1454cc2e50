//! [`Codec`](gloo_worker::Codec)s for gloo-worker bridges: [`Postcard`], the same compact
//! encoding the protocol uses, and [`JsCodec`], which can carry JS values too: a
//! [`SharedBuffer`] in a message is how a gloo worker gets the buffer of sab mode (gloo's
//! bridge owns the worker's channel, so fshandles talks over a `BroadcastChannel`, which no
//! `SharedArrayBuffer` crosses).
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

/// Encodes gloo-worker messages as JS values (serde-wasm-bindgen): plain fields become plain
/// JS, and a [`SharedBuffer`] field travels as the buffer itself, structured-cloned.
#[derive(Debug)]
pub struct JsCodec;

impl Codec for JsCodec {
    fn encode<I: Serialize>(input: I) -> JsValue {
        let serializer = serde_wasm_bindgen::Serializer::new().serialize_maps_as_objects(true);
        match input.serialize(&serializer) {
            Ok(v) => v,
            // gloo's trait has no error path; our own plain types always serialize.
            Err(e) => panic!("a gloo-worker message cannot be made a JS value: {e}"),
        }
    }

    fn decode<O: for<'de> Deserialize<'de>>(input: JsValue) -> O {
        match serde_wasm_bindgen::from_value(input) {
            Ok(o) => o,
            Err(e) => panic!("a gloo-worker message is not what was sent: {e}"),
        }
    }
}

/// A `SharedArrayBuffer` inside a gloo-worker message (with [`JsCodec`]): made by the page
/// (`FsClient::new_buffer`), handed to its host (`host.attach_buffer`) and to the worker,
/// whose `FsClient` then blocks on it (`ConnectOptions::buffer`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SharedBuffer(#[serde(with = "serde_wasm_bindgen::preserve")] pub JsValue);
