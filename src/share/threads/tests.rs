use std::convert::Infallible;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

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
