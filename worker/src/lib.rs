//! `fshandles-worker`: the worker half of fshandles.
//!
//! A Web Worker cannot show the directory picker or a permission prompt; [`FsClient`] asks the
//! `FsHost` on the main thread (`fshandles-main`) to, and gets the folder handle back.
//!
//! Two modes:
//! - **sab**: calls block the worker in `Atomics.wait` on a `SharedArrayBuffer` until the host
//!   answers, as PyScript's own worker-to-main calls do. Needs a cross-origin isolated page.
//! - **async**: calls are futures (promises in JS) over `postMessage`. Works everywhere.
//!
//! ```no_run
//! use fshandles_worker::{ConnectOptions, FsClient, Mode, MountOptions};
//!
//! # async fn run() -> Result<(), fshandles_worker::Error> {
//! let client = FsClient::connect(ConnectOptions::default())?; // auto: sab where it can
//! let uid = "/local@pyscript";
//! if client.store_fs_handler(uid, &MountOptions::default()).await? {
//!     let folder = client.handle(uid).await?; // came with the answer: no round trip
//!     web_sys::console::log_1(&folder.name().into());
//! }
//! if client.mode() == Mode::Sab {
//!     // Or without awaiting, blocking the worker:
//!     let _stored = client.store_fs_handler_blocking(uid, &MountOptions::default())?;
//! }
//! # Ok(()) }
//! ```
//!
//! In a gloo-worker worker, whose channel gloo's bridge owns, connect over a
//! `BroadcastChannel` the host is attached to (`ConnectOptions::port`). No `SharedArrayBuffer`
//! crosses one, so for sab mode the page makes the buffer ([`FsClient::new_buffer`]), hands it
//! to its host (`host.attach_buffer(&channel, &buffer)`) and to the worker in a bridge message
//! (`fshandles_shared::codec::JsCodec` with a `SharedBuffer` field), which passes it as
//! `ConnectOptions::buffer`. The demo's Rust worker (`demo/rust`) does exactly that.
//!
//! From JS, the same API is the `FsClient` class of `dist/worker/fshandles_worker.js`.

mod calls;
mod client;
mod conn;
#[cfg(feature = "files")]
pub mod files;
mod handles;
mod in_flight;
mod js;
mod link;
mod lock;
mod options;
mod post;
mod promise;
mod sab;
mod scope;
mod watch;

pub use client::FsClient;
pub use fshandles_shared::{AccessMode, Error, ErrorKind, MountOptions, StartIn};
pub use lock::LockGuard;
pub use options::{ConnectOptions, Mode, ModeChoice};
pub use watch::{Change, ChangeKind, Watch, WatchHow, WatchOptions};
