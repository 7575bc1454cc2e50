//! Async calls in flight, by id.
//!
//! Ids come from one counter, so calls arrive oldest first. Kept in id order, a call goes in
//! at the end and is found by a binary search; an answered call leaves a gap, swept up when
//! gaps outnumber calls. A program may have thousands of calls in flight: a linear scan (a
//! `SmallMap`) made each new call look at every older one. (A `VecDeque` would do the same
//! job with 1.4 KB more wasm.)

/// Values by call id, oldest first. Ids are ordered by their distance from the oldest, so the
/// counter may wrap.
pub(crate) struct InFlight<V> {
    /// In id order; `None` where a call was answered.
    calls: Vec<(u32, Option<V>)>,
    /// How many are not answered.
    live: usize,
}

impl<V> Default for InFlight<V> {
    fn default() -> Self {
        InFlight {
            calls: Vec::new(),
            live: 0,
        }
    }
}

impl<V> InFlight<V> {
    /// Where `id` is or would go, and whether it is there (answered or not). Ids are compared
    /// by how far they are from the oldest.
    fn find(&self, id: u32) -> Result<usize, usize> {
        let oldest = self.calls.first().map_or(id, |(k, _)| *k);
        let age = |k: u32| k.wrapping_sub(oldest);
        self.calls.binary_search_by_key(&age(id), |(k, _)| age(*k))
    }

    /// Puts `value` under `id`, from the counter: newer than any present, so it goes at the
    /// end, in O(1). A present id has its value replaced.
    pub fn insert(&mut self, id: u32, value: V) {
        match self.find(id) {
            Ok(i) => {
                if self.calls[i].1.replace(value).is_none() {
                    self.live += 1;
                }
            }
            Err(i) => {
                self.calls.insert(i, (id, Some(value)));
                self.live += 1;
            }
        }
    }

    /// The value under `id`, to change.
    pub fn get_mut(&mut self, id: u32) -> Option<&mut V> {
        let i = self.find(id).ok()?;
        self.calls[i].1.as_mut()
    }

    /// Takes the value under `id` out.
    pub fn remove(&mut self, id: u32) -> Option<V> {
        let i = self.find(id).ok()?;
        let value = self.calls[i].1.take()?;
        self.live -= 1;
        if self.calls.len() > 2 * self.live + 8 {
            self.calls.retain(|(_, v)| v.is_some());
        }
        Some(value)
    }

    /// Takes every value out, oldest first.
    pub fn drain(&mut self) -> impl Iterator<Item = V> + '_ {
        self.live = 0;
        self.calls.drain(..).filter_map(|(_, v)| v)
    }

    /// How many calls are in flight.
    #[cfg(test)]
    fn len(&self) -> usize {
        assert_eq!(
            self.live,
            self.calls.iter().filter(|(_, v)| v.is_some()).count()
        );
        self.live
    }
}

#[cfg(test)]
#[allow(clippy::disallowed_macros, clippy::disallowed_types)] // tests: they ship nowhere
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    #[test]
    fn oldest_first_across_the_wrap() {
        let mut calls = InFlight::default();
        let first = u32::MAX - 2;
        for k in 0..6u32 {
            calls.insert(first.wrapping_add(k), k);
        }
        assert_eq!(calls.remove(first.wrapping_add(4)), Some(4));
        assert_eq!(calls.remove(first), Some(0));
        *calls.get_mut(0).unwrap() += 10; // first + 3: past the wrap
        assert_eq!(calls.remove(first.wrapping_add(4)), None);
        assert_eq!(calls.drain().collect::<Vec<_>>(), [1, 2, 13, 5]);
    }

    #[test]
    fn an_old_call_keeps_no_gaps_behind_it() {
        // The first call waits for a person; thousands after it are answered meanwhile.
        let mut calls = InFlight::default();
        calls.insert(0, 0);
        for id in 1..10_000 {
            calls.insert(id, id);
            assert_eq!(calls.remove(id), Some(id));
            assert!(calls.calls.len() <= 10);
        }
        assert_eq!(calls.remove(0), Some(0));
        assert_eq!(calls.len(), 0);
    }

    proptest::proptest! {
        /// Ids from a counter that starts anywhere (so it may wrap), answers in any order:
        /// the same as a map.
        #[test]
        fn agrees_with_a_map(
            start: u32,
            ops in proptest::collection::vec((0u8..4, 0usize..64), 0..400),
        ) {
            let mut ours = InFlight::default();
            let mut theirs = BTreeMap::new();
            let mut next = start;
            for (op, pick) in ops {
                // An id in flight (or one just answered), picked by position.
                let some_id = theirs.keys().nth(pick % (theirs.len() + 1)).copied();
                match (op, some_id) {
                    (0 | 1, _) => {
                        ours.insert(next, next);
                        theirs.insert(next, next);
                        next = next.wrapping_add(1);
                    }
                    (2, Some(id)) => proptest::prop_assert_eq!(ours.remove(id), theirs.remove(&id)),
                    (3, Some(id)) => {
                        proptest::prop_assert_eq!(ours.get_mut(id).copied(), theirs.get(&id).copied())
                    }
                    _ => proptest::prop_assert_eq!(ours.remove(next), None),
                }
                proptest::prop_assert_eq!(ours.len(), theirs.len());
            }
            let mut left: Vec<u32> = ours.drain().collect();
            let oldest_first = left.clone();
            left.sort_by_key(|id| id.wrapping_sub(start));
            proptest::prop_assert_eq!(oldest_first, left);
        }
    }
}
