//! One re-check of a stored folder at a time, per uid and mode.
//!
//! Once a grant is older than the permission TTL, the next call asks IndexedDB and the browser
//! again. In a burst of calls in flight each one asked, each with an IndexedDB read and a
//! permission query: 8 workers × 2000 async calls made 882 re-checks at the default TTL (about
//! 31 a TTL), and 14,400 with every call in flight at a 20 ms TTL. Calls that arrive while a
//! re-check runs now wait for its outcome instead.

use crate::records::Record;
use fshandles_shared::small_map::SmallMap;
use fshandles_shared::{AccessMode, Error, ErrorKind};
use futures_channel::oneshot;
use std::cell::RefCell;
use std::future::Future;

/// What a re-check found: the record, when its folder is usable in the mode asked.
pub(crate) type Outcome = Result<Option<Record>, Error>;

type Key = (String, AccessMode);
type Flights = RefCell<SmallMap<Key, Vec<oneshot::Sender<Outcome>>>>;

/// The re-checks running, and who waits for each.
#[derive(Default)]
pub(crate) struct Rechecks {
    flights: Flights,
}

impl Rechecks {
    /// `check`'s outcome for `uid` in `mode`; if one is running already, its outcome.
    pub async fn run<F>(&self, uid: &str, mode: AccessMode, check: impl FnOnce() -> F) -> Outcome
    where
        F: Future<Output = Outcome>,
    {
        let key = (uid.to_owned(), mode);
        let waiting = self.flights.borrow_mut().get_mut(&key).map(|waiters| {
            let (tx, rx) = oneshot::channel();
            waiters.push(tx);
            rx
        });
        if let Some(rx) = waiting {
            return rx.await.unwrap_or_else(|_| {
                Err(Error::new(
                    ErrorKind::Abort,
                    "the permission check this call waited for was abandoned",
                ))
            });
        }
        self.flights.borrow_mut().insert(key.clone(), Vec::new());
        let flight = Flight {
            flights: &self.flights,
            key,
        };
        let outcome = check().await;
        for waiter in flight.land() {
            let _ = waiter.send(outcome.clone());
        }
        outcome
    }
}

/// A running re-check. Dropped before it lands (its call abandoned), it ends the flight: the
/// waiters' channels close, and the next call starts a re-check of its own.
struct Flight<'a> {
    flights: &'a Flights,
    key: Key,
}

impl Flight<'_> {
    /// Ends the flight; who waited for it.
    fn land(self) -> Vec<oneshot::Sender<Outcome>> {
        self.flights
            .borrow_mut()
            .remove(&self.key)
            .unwrap_or_default()
    }
}

impl Drop for Flight<'_> {
    fn drop(&mut self) {
        self.flights.borrow_mut().remove(&self.key);
    }
}

#[cfg(test)]
#[allow(clippy::disallowed_macros, clippy::disallowed_types)] // tests: they ship nowhere
mod tests {
    use super::*;
    use std::cell::Cell;
    use std::pin::pin;
    use std::task::{Context, Poll, Waker};

    fn poll<F: Future>(f: std::pin::Pin<&mut F>) -> Poll<F::Output> {
        f.poll(&mut Context::from_waker(Waker::noop()))
    }

    #[test]
    fn calls_during_a_recheck_share_its_outcome_and_the_next_starts_anew() {
        let rechecks = Rechecks::default();
        let checks = Cell::new(0);
        let (land, landed) = oneshot::channel::<Outcome>();
        let check = || {
            checks.set(checks.get() + 1);
            async { landed.await.unwrap() }
        };
        let mut first = pin!(rechecks.run("/a@x", AccessMode::Read, check));
        let mut second = pin!(rechecks.run("/a@x", AccessMode::Read, || async { unreachable!() }));
        let (_keep, other_landed) = oneshot::channel::<Outcome>();
        let mut other_mode = pin!(rechecks.run("/a@x", AccessMode::ReadWrite, || async {
            other_landed.await.unwrap()
        }));
        assert!(poll(first.as_mut()).is_pending());
        assert!(
            poll(second.as_mut()).is_pending(),
            "joins the running check"
        );
        assert!(
            poll(other_mode.as_mut()).is_pending(),
            "another mode checks on its own"
        );
        assert_eq!(checks.get(), 1);
        assert!(land.send(Ok(None)).is_ok());
        assert!(matches!(poll(first.as_mut()), Poll::Ready(Ok(None))));
        assert!(matches!(poll(second.as_mut()), Poll::Ready(Ok(None))));
        // Landed: the next call runs a check of its own.
        let ran = Cell::new(false);
        let mut third = pin!(rechecks.run("/a@x", AccessMode::Read, || {
            ran.set(true);
            async { Ok(None) }
        }));
        assert!(matches!(poll(third.as_mut()), Poll::Ready(Ok(None))));
        assert!(ran.get());
    }

    #[test]
    fn an_abandoned_recheck_ends_its_waiters_with_abort() {
        let rechecks = Rechecks::default();
        let (_never, never) = oneshot::channel::<Outcome>();
        let mut first =
            Box::pin(rechecks.run("/b@x", AccessMode::Read, || async { never.await.unwrap() }));
        assert!(poll(first.as_mut()).is_pending());
        let mut waiter = pin!(rechecks.run("/b@x", AccessMode::Read, || async { Ok(None) }));
        assert!(
            poll(waiter.as_mut()).is_pending(),
            "joins the running check"
        );
        drop(first); // the first call is abandoned mid-flight
        match poll(waiter.as_mut()) {
            Poll::Ready(Err(e)) => assert_eq!(e.kind, ErrorKind::Abort),
            other => panic!("expected Abort, got ready = {}", other.is_ready()),
        }
    }
}
