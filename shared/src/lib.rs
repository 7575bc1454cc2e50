//! The vocabulary that `fshandles-main` (the host, on the page's main thread) and
//! `fshandles-worker` (the client, in a Web Worker) speak to each other.
//!
//! - [`options`]: what a caller asks for (`MountOptions`: picker id, access mode, start folder);
//! - [`protocol`]: the request and reply envelopes and their encoding (postcard's format),
//!   with validation;
//! - [`frame`]: the layout of the `SharedArrayBuffer` that carries replies in sab mode;
//! - [`error`]: error kinds with the stable `name`s JS callers see;
//! - [`small_map`]: the `Vec`-backed map both sides keep their few entries in.
//!
//! Nothing here touches the browser unless the `js` feature is on; then the `js` module adds
//! the pieces both sides need to talk over `postMessage` and a shared buffer.
//!
//! ```
//! use fshandles_shared::{protocol::{self, Request}, MountOptions, AccessMode};
//!
//! let request = Request::Store {
//!     uid: "/local@pyscript".into(),
//!     options: MountOptions::new(AccessMode::ReadWrite),
//!     want_handle: true,
//! };
//! let mut bytes = Vec::new();
//! protocol::encode_request(7, &request, &mut bytes).unwrap();
//! let (id, decoded) = protocol::decode_request(&bytes).unwrap();
//! assert_eq!((id, decoded), (7, request));
//! ```
#![cfg_attr(not(test), no_std)]

extern crate alloc;

pub mod error;
pub mod frame;
pub mod options;
pub mod protocol;
pub mod small_map;
pub mod text;
mod wire;

#[cfg(feature = "js")]
pub mod js;

#[cfg(feature = "gloo")]
pub mod codec;

// dist/'s wasm carries talc instead of dlmalloc: the same job in about a fifth of the bytes
// (see the `talc` feature in Cargo.toml).
#[cfg(all(
    feature = "talc",
    target_arch = "wasm32",
    not(target_feature = "atomics")
))]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

pub use error::{Error, ErrorKind};
pub use options::{AccessMode, MountOptions, StartIn};
