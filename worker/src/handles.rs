//! The folder handles a client holds, and the ones on their way to it.
//!
//! A handle never travels in the protocol's bytes: it rides beside them, structured-cloned. In
//! sab mode the host posts it just before it answers in the shared buffer, so it sits in this
//! worker's message queue until the worker yields; `expect` notes that it is coming.

use fshandles_shared::small_map::SmallMap;
use std::cell::RefCell;
use web_sys::FileSystemDirectoryHandle;

#[derive(Default)]
pub(crate) struct Handles {
    known: RefCell<SmallMap<String, FileSystemDirectoryHandle>>,
    /// Posted by the host, not yet dispatched to us; with whoever waits for them.
    coming: RefCell<SmallMap<String, Vec<Waiter>>>,
}

/// What a `handle(uid)` call does next, once a handle on its way arrives (or will not).
pub(crate) struct Waiter(pub Box<dyn FnOnce()>);

impl Waiter {
    fn wake(self) {
        (self.0)()
    }
}

impl Handles {
    /// The handle of `uid`, if it arrived and no newer one is on its way.
    pub fn ready(&self, uid: &str) -> Option<FileSystemDirectoryHandle> {
        if self.is_coming(uid) {
            return None;
        }
        self.get(uid)
    }

    /// Whether the host posted `uid`'s handle and it has not arrived yet.
    pub fn is_coming(&self, uid: &str) -> bool {
        self.coming.borrow().contains_key(uid)
    }

    /// The handle of `uid`, if it arrived.
    pub fn get(&self, uid: &str) -> Option<FileSystemDirectoryHandle> {
        self.known.borrow().get(uid).cloned()
    }

    /// Whether the host need not send `uid`'s handle with its next answer.
    pub fn has_or_expects(&self, uid: &str) -> bool {
        self.known.borrow().contains_key(uid) || self.coming.borrow().contains_key(uid)
    }

    /// The host posted `uid`'s handle; it arrives when the worker next yields.
    pub fn expect(&self, uid: &str) {
        self.coming
            .borrow_mut()
            .get_or_insert_with(uid.to_owned(), Vec::new);
    }

    /// Wakes `waiter` when `uid`'s expected handle arrives (or will not); at once when none
    /// is expected.
    pub fn on_arrival(&self, uid: &str, waiter: Waiter) {
        let waiter = match self.coming.borrow_mut().get_mut(uid) {
            Some(waiters) => return waiters.push(waiter),
            None => waiter,
        };
        waiter.wake();
    }

    /// `uid`'s handle arrived.
    pub fn arrived(&self, uid: &str, handle: FileSystemDirectoryHandle) {
        self.known.borrow_mut().insert(uid.to_owned(), handle);
        self.wake(uid);
    }

    /// `uid` was deleted or replaced: forget its handle.
    pub fn forget(&self, uid: &str) {
        self.known.borrow_mut().remove(uid);
        self.wake(uid);
    }

    /// Handles posted on a channel that is gone will never arrive: wake their waiters (they
    /// then ask the host).
    pub fn abandon_coming(&self) {
        let coming: Vec<_> = self.coming.borrow_mut().drain().collect();
        for (_, waiters) in coming {
            waiters.into_iter().for_each(Waiter::wake);
        }
    }

    fn wake(&self, uid: &str) {
        let waiters = self.coming.borrow_mut().remove(uid).unwrap_or_default();
        waiters.into_iter().for_each(Waiter::wake);
    }
}
