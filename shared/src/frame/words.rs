//! What a frame needs of the memory it lives in.
//!
//! On the web that is a `SharedArrayBuffer` and `Atomics` (`js::shared_frame`, with the `js`
//! feature); in the model test (`tests/frame_model.rs`) it is memory whose every access is a
//! point where another thread may run. The worker's and the host's steps
//! ([`Frame`](super::Frame)) are written once, against this trait, so the test checks the code
//! the browser runs.

use crate::Error;
use alloc::vec::Vec;

/// The four header words and the payload of one frame, with the atomic operations on them.
///
/// Every word access is sequentially consistent, as `Atomics` is.
pub trait Words {
    /// Reads header word `index`.
    fn load(&self, index: u32) -> i32;
    /// Writes header word `index`.
    fn store(&self, index: u32, value: i32);
    /// Replaces word `index` with `to` if it holds `from`; whether it did.
    fn compare_exchange(&self, index: u32, from: i32, to: i32) -> bool;
    /// Wakes every thread blocked on the state word ([`Words::wait`]).
    fn notify(&self);
    /// Blocks while the state word holds `expected`, for at most `timeout_ms` (infinite: no
    /// limit). May return early; the caller looks again. An error when this thread cannot
    /// block (a window's main thread).
    fn wait(&self, expected: i32, timeout_ms: f64) -> Result<(), Error>;
    /// A clock that never goes back, in milliseconds.
    fn now_ms(&self) -> f64;
    /// The size of the whole frame in bytes, header included.
    fn byte_length(&self) -> usize;
    /// Writes `bytes` at the start of the payload (they fit: the caller checked).
    fn write_payload(&self, bytes: &[u8]);
    /// Copies the first `len` payload bytes into `out`, replacing what it held.
    fn read_payload(&self, len: usize, out: &mut Vec<u8>);
}
