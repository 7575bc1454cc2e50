//! Recently seen grants, so a store-hit need not ask the browser every time.
//!
//! `queryPermission` crosses to the browser process (hundreds of microseconds in Chromium),
//! which would dwarf a sync call's round trip. A "granted" answer is trusted for `ttl_ms`;
//! anything else is never kept. No browser event tells a page that a folder's permission was
//! revoked, so a revocation is seen by the first call made `ttl_ms` after the last check.

use fshandles_shared::small_map::SmallMap;
use fshandles_shared::AccessMode;
use std::cell::RefCell;

pub(crate) struct Grants {
    ttl_ms: f64,
    // uid → (the widest mode seen granted, when it was checked).
    seen: RefCell<SmallMap<String, (AccessMode, f64)>>,
}

impl Grants {
    pub fn new(ttl_ms: f64) -> Self {
        Grants {
            ttl_ms,
            seen: RefCell::new(SmallMap::new()),
        }
    }

    /// Whether `mode` on `uid` was seen granted less than `ttl_ms` ago.
    pub fn fresh(&self, uid: &str, mode: AccessMode, now: f64) -> bool {
        self.seen
            .borrow()
            .get(uid)
            .is_some_and(|&(seen, at)| covers(seen, mode) && now - at < self.ttl_ms)
    }

    /// `mode` on `uid` was just seen granted.
    pub fn granted(&self, uid: &str, mode: AccessMode, now: f64) {
        if self.ttl_ms <= 0.0 {
            return;
        }
        let mut seen = self.seen.borrow_mut();
        let mode = match seen.get(uid) {
            Some(&(old, at)) if now - at < self.ttl_ms && covers(old, mode) => old,
            _ => mode,
        };
        seen.insert(uid.to_owned(), (mode, now));
    }

    /// Whatever was seen of `uid` no longer holds (refused, replaced or deleted).
    pub fn forget(&self, uid: &str) {
        self.seen.borrow_mut().remove(uid);
    }
}

/// Read-write permission includes read.
fn covers(seen: AccessMode, asked: AccessMode) -> bool {
    seen == asked || seen == AccessMode::ReadWrite
}

#[cfg(test)]
#[allow(clippy::disallowed_macros, clippy::disallowed_types)] // tests: they ship nowhere
mod tests {
    use super::*;

    #[test]
    fn a_grant_holds_for_its_ttl_and_its_mode_only() {
        let g = Grants::new(100.0);
        assert!(!g.fresh("a", AccessMode::Read, 0.0));
        g.granted("a", AccessMode::Read, 0.0);
        assert!(g.fresh("a", AccessMode::Read, 99.0));
        assert!(!g.fresh("a", AccessMode::Read, 100.0), "expired");
        assert!(
            !g.fresh("a", AccessMode::ReadWrite, 1.0),
            "read does not cover readwrite"
        );
        assert!(!g.fresh("b", AccessMode::Read, 1.0));
        g.granted("a", AccessMode::ReadWrite, 1.0);
        assert!(g.fresh("a", AccessMode::Read, 2.0), "readwrite covers read");
        g.granted("a", AccessMode::Read, 3.0);
        assert!(
            g.fresh("a", AccessMode::ReadWrite, 4.0),
            "a fresh readwrite is not narrowed"
        );
        g.forget("a");
        assert!(!g.fresh("a", AccessMode::Read, 4.0));
    }

    #[test]
    fn a_zero_ttl_keeps_nothing() {
        let g = Grants::new(0.0);
        g.granted("a", AccessMode::Read, 0.0);
        assert!(!g.fresh("a", AccessMode::Read, 0.0));
    }
}
