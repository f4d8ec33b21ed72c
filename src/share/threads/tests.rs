use std::convert::Infallible;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

use super::{Lease, Registry};

fn counted(made: &AtomicUsize) -> Result<usize, Infallible> {
    Ok(made.fetch_add(1, Ordering::SeqCst))
}

#[test]
fn one_key_gives_one_value_while_a_lease_lives() {
    let registry = Registry::new();
    let made = AtomicUsize::new(0);
    let a = registry.join("k", || counted(&made)).unwrap();
    let b = registry.join("k", || counted(&made)).unwrap();
    assert!(Lease::same(&a, &b));
    assert_eq!(made.load(Ordering::SeqCst), 1);
    assert_eq!(registry.len(), 1);
}

#[test]
fn different_keys_give_different_values() {
    let registry = Registry::new();
    let made = AtomicUsize::new(0);
    let a = registry.join("a", || counted(&made)).unwrap();
    let b = registry.join("b", || counted(&made)).unwrap();
    assert!(!Lease::same(&a, &b));
    assert_eq!((*a, *b), (0, 1));
    assert_eq!(registry.len(), 2);
}

#[test]
fn the_last_lease_gone_drops_value_and_entry() {
    let registry = Registry::new();
    let value = Arc::new(());
    let a = registry
        .join("k", || Ok::<_, Infallible>(Arc::clone(&value)))
        .unwrap();
    let b = a.clone();
    drop(a);
    assert_eq!((registry.len(), Arc::strong_count(&value)), (1, 2));
    drop(b);
    assert_eq!((registry.len(), Arc::strong_count(&value)), (0, 1));
}

#[test]
fn a_key_joined_after_its_value_died_gets_a_new_one() {
    let registry = Registry::new();
    let made = AtomicUsize::new(0);
    drop(registry.join("k", || counted(&made)).unwrap());
    let again = registry.join("k", || counted(&made)).unwrap();
    assert_eq!(*again, 1);
    assert_eq!(registry.len(), 1);
}

#[test]
fn a_failed_make_registers_nothing() {
    let registry: Registry<u8> = Registry::new();
    let err = registry.join("k", || Err("bad options")).err();
    assert_eq!(err, Some("bad options"));
    assert!(registry.is_empty());
    let made = registry.join("k", || Ok::<_, &str>(7)).unwrap();
    assert_eq!(*made, 7);
}

#[test]
fn threads_joining_at_once_share_one_value_and_leave_nothing() {
    let registry = Arc::new(Registry::new());
    let made = Arc::new(AtomicUsize::new(0));
    let barrier = Arc::new(std::sync::Barrier::new(8));
    let joining: Vec<_> = (0..8)
        .map(|_| {
            let (registry, made, barrier) = (registry.clone(), made.clone(), barrier.clone());
            std::thread::spawn(move || {
                barrier.wait();
                registry.join("k", || counted(&made)).unwrap()
            })
        })
        .collect();
    let leases: Vec<_> = joining.into_iter().map(|t| t.join().unwrap()).collect();
    assert_eq!(made.load(Ordering::SeqCst), 1);
    assert!(leases.iter().all(|l| Lease::same(l, &leases[0])));
    let dropping: Vec<_> = leases
        .into_iter()
        .map(|lease| std::thread::spawn(move || drop(lease)))
        .collect();
    for t in dropping {
        t.join().unwrap();
    }
    assert!(registry.is_empty());
}

/// A registry keeping every value for `keep` ms (none: not at all) of a
/// clock the test moves.
fn keeping<T>(keep: Option<u64>) -> (Registry<T>, Arc<AtomicU64>) {
    let now = Arc::new(AtomicU64::new(1_000));
    let clock = Arc::clone(&now);
    let registry = Registry::keeping(
        Box::new(move || clock.load(Ordering::SeqCst)),
        Box::new(move |_: &T| keep),
    );
    (registry, now)
}

#[test]
fn a_value_is_kept_past_its_last_lease_and_joined_again() {
    let (registry, _) = keeping(Some(500));
    let made = AtomicUsize::new(0);
    let first = registry.join("k", || counted(&made)).unwrap();
    drop(first);
    assert_eq!((registry.len(), registry.kept()), (0, 1));
    let again = registry.join("k", || counted(&made)).unwrap();
    assert_eq!(*again, 0);
    assert_eq!(made.load(Ordering::SeqCst), 1);
    assert_eq!((registry.len(), registry.kept()), (1, 0));
}

#[test]
fn a_kept_value_is_dropped_once_its_time_is_up() {
    let (registry, now) = keeping(Some(500));
    let value = Arc::new(());
    let lease = registry
        .join("k", || Ok::<_, Infallible>(Arc::clone(&value)))
        .unwrap();
    drop(lease);
    now.fetch_add(500, Ordering::SeqCst);
    assert_eq!(registry.kept(), 1, "kept up to its last instant");
    assert_eq!(Arc::strong_count(&value), 2);
    now.fetch_add(1, Ordering::SeqCst);
    assert_eq!(registry.kept(), 0);
    assert_eq!(Arc::strong_count(&value), 1, "the value itself is dropped");
    assert!(registry.is_empty());
}

#[test]
fn a_join_after_the_time_is_up_makes_a_new_value() {
    let (registry, now) = keeping(Some(500));
    let made = AtomicUsize::new(0);
    drop(registry.join("k", || counted(&made)).unwrap());
    now.fetch_add(501, Ordering::SeqCst);
    let again = registry.join("k", || counted(&made)).unwrap();
    assert_eq!(*again, 1);
    assert_eq!((registry.len(), registry.kept()), (1, 0));
}

#[test]
fn any_join_sweeps_every_expired_value() {
    let (registry, now) = keeping(Some(500));
    let values: Vec<_> = (0..3).map(|_| Arc::new(())).collect();
    for (i, value) in values.iter().enumerate() {
        let key = format!("k{i}");
        drop(
            registry
                .join(&key, || Ok::<_, Infallible>(Arc::clone(value)))
                .unwrap(),
        );
    }
    now.fetch_add(501, Ordering::SeqCst);
    let _other = registry
        .join("other", || Ok::<_, Infallible>(Arc::new(())))
        .unwrap();
    assert!(values.iter().all(|v| Arc::strong_count(v) == 1));
}

#[test]
fn a_value_the_policy_declines_goes_with_its_last_lease() {
    let (registry, _) = keeping(None);
    let made = AtomicUsize::new(0);
    drop(registry.join("k", || counted(&made)).unwrap());
    assert_eq!((registry.len(), registry.kept()), (0, 0));
    assert_eq!(*registry.join("k", || counted(&made)).unwrap(), 1);
}

#[test]
fn a_kept_value_is_kept_again_after_its_next_last_lease() {
    let (registry, now) = keeping(Some(500));
    let made = AtomicUsize::new(0);
    drop(registry.join("k", || counted(&made)).unwrap());
    now.fetch_add(400, Ordering::SeqCst);
    drop(registry.join("k", || counted(&made)).unwrap());
    // Kept from the second lease's end, for the time the policy gives then.
    now.fetch_add(400, Ordering::SeqCst);
    assert_eq!(*registry.join("k", || counted(&made)).unwrap(), 0);
    assert_eq!(made.load(Ordering::SeqCst), 1);
}
