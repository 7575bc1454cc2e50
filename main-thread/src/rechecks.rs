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
