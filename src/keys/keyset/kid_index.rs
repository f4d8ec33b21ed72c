//! The keys of a set by kid, without a copy of each kid.
//!
//! A map from kid strings would copy every kid into a string of its own;
//! this index keeps the kids' hashes, sorted, and a lookup compares the
//! kids themselves only where a hash matches.

use std::hash::{BuildHasher, RandomState};

/// Positions of the keys with a kid, by the kid's hash.
#[derive(Debug, Default)]
pub(super) struct KidIndex {
    /// Seeded per set: kids come from the endpoint and lookups from tokens.
    hasher: RandomState,
    /// (hash of the kid, position), sorted once the set is read.
    entries: Vec<(u64, usize)>,
}

impl KidIndex {
    /// Records that the key at `position` has `kid`.
    pub fn push(&mut self, kid: &str, position: usize) {
        self.entries.push((self.hasher.hash_one(kid), position));
    }

    /// Makes the index ready for lookups: called once the set is read.
    pub fn finish(&mut self) {
        self.entries.sort_unstable();
    }

    /// The positions of the keys whose kid may be `kid`, in endpoint order:
    /// all those with `kid`, and those whose kid has the same hash, which
    /// the caller tells apart by comparing the kids.
    pub fn positions(&self, kid: &str) -> impl Iterator<Item = usize> + '_ {
        let hash = self.hasher.hash_one(kid);
        let start = self.entries.partition_point(|(h, _)| *h < hash);
        self.entries
            .get(start..)
            .unwrap_or_default()
            .iter()
            .take_while(move |(h, _)| *h == hash)
            .map(|(_, position)| *position)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_of_a_kid_come_in_endpoint_order() {
        let mut index = KidIndex::default();
        for (position, kid) in ["a", "b", "a", "c", "a"].iter().enumerate() {
            index.push(kid, position);
        }
        index.finish();
        assert_eq!(index.positions("a").collect::<Vec<_>>(), [0, 2, 4]);
        assert_eq!(index.positions("c").collect::<Vec<_>>(), [3]);
        assert_eq!(index.positions("zz").count(), 0);
    }
}
