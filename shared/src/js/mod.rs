//! What both sides need to speak the protocol over `postMessage` and a `SharedArrayBuffer`.
//!
//! - [`args`]: uids, option objects and their fields, as JS callers pass them;
//! - [`bindings`]: `postMessage` and `then` on values known only by shape;
//! - [`message`]: the message object `{fshandles: Uint8Array, handle?, sab?}`;
//! - [`errors`]: [`Error`](crate::Error) ⇄ JS `Error` objects with a stable `name`;
//! - [`options`]: [`MountOptions`](crate::MountOptions) from and to JS objects;
//! - [`listener`]: an event listener removed when dropped;
//! - [`timer`]: a `setTimeout` cleared when dropped;
//! - [`typescript`]: the TypeScript declarations both packages share;
//! - [`shared_frame`]: the [frame](crate::frame) over a real `SharedArrayBuffer`.

pub mod args;
pub mod bindings;
pub mod errors;
pub mod listener;
pub mod message;
pub mod options;
pub mod shared_frame;
pub mod timer;
pub mod typescript;

pub use errors::{from_js_error, to_js_error};
pub use listener::{is_channel, EventListener};
pub use shared_frame::SharedFrame;
pub use timer::Timer;
