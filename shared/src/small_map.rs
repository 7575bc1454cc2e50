//! A map for the handful of entries a page keeps: calls in flight, uids in use.
//!
//! A linear scan over a `Vec` beats hashing at these sizes, and it keeps `HashMap`'s table code
//! and hasher out of the wasm (about 5 KB for each of the host and the worker).

use alloc::vec::Vec;
use core::borrow::Borrow;

/// Keys and values in a `Vec`, looked up by equality. Removal does not keep the order.
#[derive(Debug, Clone)]
pub struct SmallMap<K, V> {
    entries: Vec<(K, V)>,
}

impl<K, V> Default for SmallMap<K, V> {
    fn default() -> Self {
        SmallMap {
            entries: Vec::new(),
        }
    }
}

impl<K: PartialEq, V> SmallMap<K, V> {
    /// An empty map.
    pub fn new() -> Self {
        Self::default()
    }

    fn position<Q>(&self, key: &Q) -> Option<usize>
    where
        K: Borrow<Q>,
        Q: PartialEq + ?Sized,
    {
        self.entries.iter().position(|(k, _)| k.borrow() == key)
    }

    /// The value under `key`.
    pub fn get<Q>(&self, key: &Q) -> Option<&V>
    where
        K: Borrow<Q>,
        Q: PartialEq + ?Sized,
    {
        self.position(key).map(|i| &self.entries[i].1)
    }

    /// The value under `key`, to change.
    pub fn get_mut<Q>(&mut self, key: &Q) -> Option<&mut V>
    where
        K: Borrow<Q>,
        Q: PartialEq + ?Sized,
    {
        self.position(key).map(|i| &mut self.entries[i].1)
    }

    /// Whether there is a value under `key`.
    pub fn contains_key<Q>(&self, key: &Q) -> bool
    where
        K: Borrow<Q>,
        Q: PartialEq + ?Sized,
    {
        self.position(key).is_some()
    }

    /// Puts `value` under `key`; returns the value it replaced.
    pub fn insert(&mut self, key: K, value: V) -> Option<V> {
        match self.position(&key) {
            Some(i) => Some(core::mem::replace(&mut self.entries[i].1, value)),
            None => {
                self.entries.push((key, value));
                None
            }
        }
    }

    /// The value under `key`, put there by `make` if there was none.
    pub fn get_or_insert_with(&mut self, key: K, make: impl FnOnce() -> V) -> &mut V {
        let i = match self.position(&key) {
            Some(i) => i,
            None => {
                self.entries.push((key, make()));
                self.entries.len() - 1
            }
        };
        &mut self.entries[i].1
    }

    /// Takes the value under `key` out.
    pub fn remove<Q>(&mut self, key: &Q) -> Option<V>
    where
        K: Borrow<Q>,
        Q: PartialEq + ?Sized,
    {
        self.position(key).map(|i| self.entries.swap_remove(i).1)
    }

    /// How many entries there are.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Removes every entry.
    pub fn clear(&mut self) {
        self.entries.clear();
    }

    /// Every value, to change.
    pub fn values_mut(&mut self) -> impl Iterator<Item = &mut V> {
        self.entries.iter_mut().map(|(_, v)| v)
    }

    /// Takes every entry out.
    pub fn drain(&mut self) -> impl Iterator<Item = (K, V)> + '_ {
        self.entries.drain(..)
    }
}

#[cfg(test)]
#[allow(clippy::disallowed_macros, clippy::disallowed_types)] // tests: they ship nowhere
mod tests {
    use super::*;
    use alloc::string::String;

    #[test]
    fn behaves_like_a_map() {
        let mut m: SmallMap<String, u32> = SmallMap::new();
        assert!(m.is_empty());
        assert_eq!(m.insert("a".into(), 1), None);
        assert_eq!(m.insert("b".into(), 2), None);
        assert_eq!(m.insert("a".into(), 3), Some(1));
        assert_eq!(m.len(), 2);
        assert_eq!(m.get("a"), Some(&3));
        assert!(m.contains_key("b"));
        *m.get_mut("b").unwrap() += 10;
        assert_eq!(m.remove("b"), Some(12));
        assert_eq!(m.remove("b"), None);
        *m.get_or_insert_with("c".into(), || 7) += 1;
        *m.get_or_insert_with("c".into(), || 100) += 1;
        assert_eq!(m.get("c"), Some(&9));
        for v in m.values_mut() {
            *v = 0;
        }
        let mut all: Vec<_> = m.drain().collect();
        all.sort();
        assert_eq!(all, [("a".into(), 0), ("c".into(), 0)]);
        assert!(m.is_empty());
    }

    proptest::proptest! {
        #[test]
        fn agrees_with_a_btree_map(ops in proptest::collection::vec((0u8..3, 0u8..8, 0u32..100), 0..200)) {
            let mut ours = SmallMap::new();
            let mut theirs = alloc::collections::BTreeMap::new();
            for (op, k, v) in ops {
                match op {
                    0 => proptest::prop_assert_eq!(ours.insert(k, v), theirs.insert(k, v)),
                    1 => proptest::prop_assert_eq!(ours.remove(&k), theirs.remove(&k)),
                    _ => proptest::prop_assert_eq!(ours.get(&k), theirs.get(&k)),
                }
                proptest::prop_assert_eq!(ours.len(), theirs.len());
            }
        }
    }
}
