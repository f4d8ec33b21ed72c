//! The holdings of one owner that may end by two roads.
//!
//! A holder keeps its value in a [`Slot`]; the owner's [`Roster`] lists the
//! slots weakly, so it can empty them all at once (its end) while each holder
//! can still drop its own (its end). Whichever comes second finds nothing to
//! release, so no value is released twice.

use std::sync::{Arc, Weak};

use crate::state::mutex::Mutex;

/// One holder's value: `None` once its owner emptied it.
pub type Slot<T> = Arc<Mutex<Option<T>>>;

/// The slots a roster lists, weakly.
type Listed<T> = Arc<Mutex<Vec<Weak<Mutex<Option<T>>>>>>;

/// The live slots of one owner; clones list the same slots.
pub struct Roster<T>(Listed<T>);

impl<T> Default for Roster<T> {
    fn default() -> Self {
        Roster(Arc::new(Mutex::new(Vec::new())))
    }
}

impl<T> Clone for Roster<T> {
    fn clone(&self) -> Self {
        Roster(Arc::clone(&self.0))
    }
}

impl<T> Roster<T> {
    /// A new slot holding `value`, listed here.
    pub fn add(&self, value: T) -> Slot<T> {
        let slot = Arc::new(Mutex::new(Some(value)));
        let mut slots = self.0.lock();
        slots.retain(|weak| weak.strong_count() > 0);
        slots.push(Arc::downgrade(&slot));
        slot
    }

    /// Empties every listed slot still held and forgets them all; returns
    /// how many values it took. The values are dropped after every lock is
    /// let go, so their drops may lock again.
    pub fn release_all(&self) -> usize {
        let slots = std::mem::take(&mut *self.0.lock());
        let values: Vec<T> = slots
            .iter()
            .filter_map(Weak::upgrade)
            .filter_map(|slot| slot.lock().take())
            .collect();
        values.len()
    }

    /// How many listed slots are still held (emptied or not).
    pub fn len(&self) -> usize {
        self.0
            .lock()
            .iter()
            .filter(|w| w.strong_count() > 0)
            .count()
    }

    /// Whether no listed slot is held.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use std::convert::Infallible;

    use super::Roster;
    use crate::share::threads::Registry;

    #[test]
    fn release_all_gives_every_lease_back() {
        let registry = Registry::new();
        let roster = Roster::default();
        let slots: Vec<_> = ["a", "b", "a"]
            .iter()
            .map(|key| roster.add(registry.join(key, || Ok::<_, Infallible>(())).unwrap()))
            .collect();
        assert_eq!(registry.len(), 2);
        assert_eq!(roster.release_all(), 3);
        assert_eq!(registry.len(), 0);
        assert!(slots.iter().all(|slot| slot.lock().is_none()));
        // The holders' own ends come after: nothing left to release.
        drop(slots);
        assert_eq!(roster.release_all(), 0);
        assert_eq!(registry.len(), 0);
    }

    #[test]
    fn a_holder_gone_first_leaves_nothing_to_release() {
        let registry = Registry::new();
        let roster = Roster::default();
        let kept = roster.add(registry.join("k", || Ok::<_, Infallible>(())).unwrap());
        let gone = roster.add(registry.join("j", || Ok::<_, Infallible>(())).unwrap());
        drop(gone);
        assert_eq!((registry.len(), roster.len()), (1, 1));
        assert_eq!(roster.release_all(), 1);
        assert!(kept.lock().is_none());
        assert!(roster.is_empty() && registry.is_empty());
    }

    #[test]
    fn dead_slots_are_not_kept_listed() {
        let roster = Roster::default();
        for i in 0..100 {
            drop(roster.add(i));
        }
        let _live = roster.add(100);
        assert_eq!(roster.0.lock().len(), 1);
    }
}
