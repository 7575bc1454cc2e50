//! Running a request's future: at once when it can finish at once.
//!
//! A store-hit (a remembered record, a fresh grant) needs nothing to wait for. Polling it here
//! answers a sync worker without the microtask hop of `spawn_local`; whatever must wait is
//! handed to `spawn_local`, whose poll registers its own waker.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Wake, Waker};

/// Runs `future` to its first pending point now, and the rest on the event loop. True when
/// it finished now.
pub(crate) fn now_or_later(future: impl Future<Output = ()> + 'static) -> bool {
    let mut future: Pin<Box<dyn Future<Output = ()>>> = Box::pin(future);
    let waker = noop_waker();
    if future
        .as_mut()
        .poll(&mut Context::from_waker(&waker))
        .is_pending()
    {
        wasm_bindgen_futures::spawn_local(future);
        return false;
    }
    true
}

// A wake-up lost here is harmless: the futures this crate awaits (JS promises, oneshot
// channels) keep their result, and `spawn_local` polls once more, with a real waker, before it
// ever waits.
struct Noop;

impl Wake for Noop {
    fn wake(self: Arc<Self>) {}
}

fn noop_waker() -> Waker {
    Waker::from(Arc::new(Noop))
}
