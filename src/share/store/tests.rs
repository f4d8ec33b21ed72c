use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use futures_util::FutureExt;
use futures_util::future::{BoxFuture, pending};
use tokio::sync::{Semaphore, oneshot};

use super::*;
use crate::error::Error;
use crate::keys::key_types::KeyTypes;
use crate::source::headers::CacheHeaders;
use crate::source::{KeySource, Reply, Response};
use crate::state::client::tests::{Endpoint, jwks};

/// Virtual time: `sleep` moves the clock forward at once and yields, so
/// waits and expiries are exact and instant.
/// The clock moves when a sleep is first polled, so a sleep raced against
/// a ready operation costs nothing.
struct TestClock(Arc<AtomicU64>);

impl Clock for TestClock {
    fn now(&self) -> Millis {
        self.0.load(Ordering::SeqCst)
    }
    fn sleep(&self, ms: Millis) -> BoxFuture<'static, ()> {
        let time = Arc::clone(&self.0);
        async move {
            time.fetch_add(ms, Ordering::SeqCst);
            tokio::task::yield_now().await;
        }
        .boxed()
    }
}

/// How the in-memory store behaves.
#[derive(Clone, Copy, PartialEq)]
enum Mode {
    Working,
    Failing,
    Hanging,
}

/// A store in a map, with Redis's expiry and lock semantics on the test clock.
struct MemoryStore {
    clock: Arc<TestClock>,
    entries: Mutex<HashMap<String, (String, Millis)>>,
    mode: Mutex<Mode>,
    /// A record another process stores just before the next lock is taken.
    on_lock: Mutex<Option<String>>,
    /// Waiters for the next publication, when the store has publication.
    listeners: Mutex<Option<Vec<oneshot::Sender<String>>>>,
    /// Every message published, in order.
    published: Mutex<Vec<String>>,
    /// Publications are lost on the way.
    losing: Mutex<bool>,
    /// Whether locks are renewed (short) rather than held for the timeout.
    renewing: Mutex<bool>,
    /// Renewals asked for.
    renewals: AtomicU64,
}

impl MemoryStore {
    fn new(clock: &Arc<TestClock>) -> Arc<Self> {
        Arc::new(MemoryStore {
            clock: Arc::clone(clock),
            entries: Mutex::default(),
            mode: Mutex::new(Mode::Working),
            on_lock: Mutex::default(),
            listeners: Mutex::default(),
            published: Mutex::default(),
            losing: Mutex::new(false),
            renewing: Mutex::new(false),
            renewals: AtomicU64::new(0),
        })
    }

    /// The same store, with publication.
    fn listening(clock: &Arc<TestClock>) -> Arc<Self> {
        let store = Self::new(clock);
        *store.listeners.lock() = Some(Vec::new());
        store
    }

    fn put(&self, key: &str, value: &str, ttl: Millis) {
        let expires = self.clock.now() + ttl;
        self.entries
            .lock()
            .insert(key.to_owned(), (value.to_owned(), expires));
    }

    fn read(&self, key: &str) -> Option<String> {
        let now = self.clock.now();
        let mut entries = self.entries.lock();
        entries.retain(|_, (_, expires)| *expires > now);
        entries.get(key).map(|(value, _)| value.clone())
    }

    fn answer<T: Send + 'static>(&self, value: T) -> BoxFuture<'static, Result<T, StoreError>> {
        match *self.mode.lock() {
            Mode::Working => futures_util::future::ready(Ok(value)).boxed(),
            Mode::Failing => futures_util::future::ready(Err(StoreError("down".into()))).boxed(),
            Mode::Hanging => pending().boxed(),
        }
    }
}

impl SharedStore for MemoryStore {
    fn get(&self, key: String) -> BoxFuture<'static, Result<Option<String>, StoreError>> {
        self.answer(self.read(&key))
    }
    fn set(
        &self,
        key: String,
        value: String,
        ttl: Millis,
    ) -> BoxFuture<'static, Result<(), StoreError>> {
        if *self.mode.lock() == Mode::Working {
            self.put(&key, &value, ttl);
        }
        self.answer(())
    }
    fn lock(
        &self,
        key: String,
        token: String,
        ttl: Millis,
    ) -> BoxFuture<'static, Result<bool, StoreError>> {
        if let Some(record) = self.on_lock.lock().take() {
            self.put(KEY, &record, 10_000);
        }
        let free = *self.mode.lock() == Mode::Working && self.read(&key).is_none();
        if free {
            self.put(&key, &token, ttl);
        }
        self.answer(free)
    }
    fn unlock(&self, key: String, token: String) -> BoxFuture<'static, Result<(), StoreError>> {
        if self.read(&key).as_deref() == Some(token.as_str()) {
            self.entries.lock().remove(&key);
        }
        self.answer(())
    }
    fn can_renew(&self) -> bool {
        *self.renewing.lock()
    }
    fn renew(
        &self,
        key: String,
        token: String,
        ttl: Millis,
    ) -> BoxFuture<'static, Result<bool, StoreError>> {
        self.renewals.fetch_add(1, Ordering::SeqCst);
        let ours = self.read(&key).as_deref() == Some(token.as_str());
        if ours {
            self.put(&key, &token, ttl);
        }
        self.answer(ours)
    }
    fn publish(
        &self,
        channel: String,
        message: String,
    ) -> BoxFuture<'static, Result<(), StoreError>> {
        assert_eq!(channel, format!("{LOCK}:done"));
        self.published.lock().push(message.clone());
        if *self.losing.lock() {
            return self.answer(());
        }
        if let Some(listeners) = self.listeners.lock().as_mut() {
            for listener in listeners.drain(..) {
                let _ = listener.send(message.clone());
            }
        }
        self.answer(())
    }
    fn subscribe(
        &self,
        _channel: String,
    ) -> BoxFuture<'static, Result<Option<Wakeup>, StoreError>> {
        let wakeup = self.listeners.lock().as_mut().map(|listeners| {
            let (sender, receiver) = oneshot::channel();
            listeners.push(sender);
            async move { receiver.await.unwrap_or_default() }.boxed()
        });
        self.answer(wakeup)
    }
}

const KEY: &str = "jwks:set:https://issuer.example/jwks";
const LOCK: &str = "jwks:lock:https://issuer.example/jwks";

fn config(secret: Option<&[u8]>) -> SharedConfig {
    SharedConfig {
        key: KEY.to_owned(),
        lock_key: LOCK.to_owned(),
        max_age: 600_000,
        wait: 30_000,
        command_timeout: 250,
        max_bytes: 50_000,
        secret: secret.map(<[u8]>::to_vec),
        key_types: KeyTypes::default(),
    }
}

struct Fleet {
    clock: Arc<TestClock>,
    store: Arc<MemoryStore>,
}

impl Fleet {
    fn new() -> Self {
        let clock = Arc::new(TestClock(Arc::new(AtomicU64::new(1_700_000_000_000))));
        let store = MemoryStore::new(&clock);
        Fleet { clock, store }
    }

    /// A fleet whose store publishes.
    fn listening() -> Self {
        let clock = Arc::new(TestClock(Arc::new(AtomicU64::new(1_700_000_000_000))));
        let store = MemoryStore::listening(&clock);
        Fleet { clock, store }
    }

    fn member(&self, endpoint: &Arc<Endpoint>, secret: Option<&[u8]>) -> SharedSource {
        SharedSource::new(
            Arc::clone(endpoint) as Arc<dyn KeySource>,
            Arc::clone(&self.store) as Arc<dyn SharedStore>,
            Arc::clone(&self.clock) as Arc<dyn Clock>,
            config(secret),
        )
    }
}

fn count(counter: &AtomicU64) -> u64 {
    SharedCounters::read(counter)
}

#[tokio::test]
async fn a_second_process_reads_the_set_the_first_fetched_with_its_fetch_time() {
    let fleet = Fleet::new();
    let endpoint = Endpoint::serving(&["a"]);
    let first = fleet.member(&endpoint, None);
    let fetched_at = fleet.clock.now();
    let document = first.fetch().await.unwrap();
    assert_eq!(document.fetched_at, Some(fetched_at));
    fleet.clock.sleep(5_000).await;
    let second = fleet.member(&endpoint, None);
    let shared = second.fetch().await.unwrap();
    assert_eq!(endpoint.count(), 1);
    assert_eq!(shared.body, document.body);
    assert_eq!(shared.fetched_at, Some(fetched_at));
    assert_eq!(count(&first.counters().writes), 1);
    assert_eq!(count(&second.counters().hits), 1);
    assert!(fleet.store.read(LOCK).is_none(), "the lock is released");
}

#[tokio::test]
async fn a_client_holding_the_stored_set_fetches_again_instead_of_rereading_it() {
    let fleet = Fleet::new();
    let endpoint = Endpoint::serving(&["a"]);
    let member = fleet.member(&endpoint, None);
    member.fetch().await.unwrap();
    fleet.clock.sleep(1).await;
    member.fetch().await.unwrap();
    assert_eq!(endpoint.count(), 2);
    assert_eq!(count(&member.counters().hits), 0);
}

#[tokio::test]
async fn concurrent_refreshes_of_a_fleet_make_one_request() {
    let fleet = Fleet::new();
    let gate = Arc::new(Semaphore::new(0));
    let endpoint = Endpoint::gated(&["a"], Arc::clone(&gate));
    let holder = fleet.member(&endpoint, None).fetch();
    let holder = tokio::spawn(holder);
    while fleet.store.read(LOCK).is_none() {
        tokio::task::yield_now().await;
    }
    let waiters: Vec<_> = (0..4).map(|_| fleet.member(&endpoint, None)).collect();
    let pending: Vec<_> = waiters.iter().map(|m| tokio::spawn(m.fetch())).collect();
    tokio::task::yield_now().await;
    gate.add_permits(Semaphore::MAX_PERMITS);
    let held = holder.await.unwrap().unwrap();
    for waiter in pending {
        assert_eq!(waiter.await.unwrap().unwrap().fetched_at, held.fetched_at);
    }
    assert_eq!(endpoint.count(), 1);
    assert!(waiters.iter().all(|m| count(&m.counters().waits) == 1));
}

#[tokio::test]
async fn a_lock_left_by_a_dead_holder_is_taken_over_when_it_expires() {
    // Polling, the lock is taken within a poll (200 ms) of its expiry;
    // listening, within a fallback look (1 s) of it. A renewed lock lives
    // 3 s: a dead holder's is taken over within 3 s and a look.
    for (fleet, look) in [(Fleet::new(), 200), (Fleet::listening(), 1_000)] {
        *fleet.store.renewing.lock() = true;
        fleet.store.put(LOCK, "dead-holder", 3_000);
        let endpoint = Endpoint::serving(&["a"]);
        let member = fleet.member(&endpoint, None);
        let started = fleet.clock.now();
        member.fetch().await.unwrap();
        let waited = fleet.clock.now() - started;
        assert!(
            (3_000..=3_000 + look).contains(&waited),
            "waited {waited} ms"
        );
        assert_eq!(endpoint.count(), 1);
        assert_eq!(count(&member.counters().takeovers), 1);
    }
}

#[tokio::test]
async fn a_lock_held_past_the_timeout_ends_in_a_direct_fetch() {
    let fleet = Fleet::new();
    fleet.store.put(LOCK, "slow-holder", 1_000_000);
    let endpoint = Endpoint::serving(&["a"]);
    let member = fleet.member(&endpoint, None);
    let started = fleet.clock.now();
    member.fetch().await.unwrap();
    assert_eq!(fleet.clock.now() - started, 30_000);
    assert_eq!(endpoint.count(), 1);
}

#[tokio::test]
async fn a_failing_or_hanging_store_degrades_to_a_direct_fetch() {
    for mode in [Mode::Failing, Mode::Hanging] {
        let fleet = Fleet::new();
        *fleet.store.mode.lock() = mode;
        let endpoint = Endpoint::serving(&["a"]);
        let member = fleet.member(&endpoint, None);
        let started = fleet.clock.now();
        let document = member.fetch().await.unwrap();
        assert!(document.body.contains("\"a\""));
        assert_eq!(endpoint.count(), 1);
        assert_eq!(count(&member.counters().errors), 1);
        assert!(fleet.clock.now() - started <= 250);
        assert_eq!(member.counters().take_notes().len(), 1);
    }
}

#[tokio::test]
async fn records_that_are_garbage_expired_empty_or_from_the_future_are_ignored() {
    let fleet = Fleet::new();
    let now = fleet.clock.now();
    let record = |at: Millis, body: String| Record {
        fetched_at: at,
        body,
        headers: CacheHeaders::default(),
    };
    let bad = [
        "not json".to_owned(),
        r#"{"v":2}"#.to_owned(),
        record(now - 600_000, jwks(&["x"])).encode(KEY, None),
        record(now + 3_600_000, jwks(&["x"])).encode(KEY, None),
        record(now, r#"{"keys":[]}"#.to_owned()).encode(KEY, None),
        record(now, "x".repeat(50_001)).encode(KEY, None),
    ];
    for text in bad {
        fleet.store.put(KEY, &text, 10_000);
        let endpoint = Endpoint::serving(&["a"]);
        let member = fleet.member(&endpoint, None);
        member.fetch().await.unwrap();
        assert_eq!(endpoint.count(), 1, "{text:.40}");
        assert_eq!(count(&member.counters().rejected), 1);
    }
}

#[tokio::test]
async fn with_a_secret_only_records_sealed_with_it_for_this_key_are_used() {
    let fleet = Fleet::new();
    let record = Record {
        fetched_at: fleet.clock.now(),
        body: jwks(&["evil"]),
        headers: CacheHeaders::default(),
    };
    for forged in [
        record.encode(KEY, None),
        record.encode(KEY, Some(b"other")),
        record.encode("elsewhere", Some(b"s3cret")),
    ] {
        fleet.store.put(KEY, &forged, 10_000);
        let endpoint = Endpoint::serving(&["a"]);
        let member = fleet.member(&endpoint, Some(b"s3cret"));
        assert!(member.fetch().await.unwrap().body.contains("\"a\""));
        assert_eq!(count(&member.counters().rejected), 1);
    }
    let endpoint = Endpoint::serving(&["b"]);
    let reader = fleet.member(&endpoint, Some(b"s3cret"));
    assert!(reader.fetch().await.unwrap().body.contains("\"a\""));
    assert_eq!(endpoint.count(), 0);
}

#[test]
fn a_record_reads_back_as_written() {
    let record = Record {
        fetched_at: 42,
        body: jwks(&["a"]),
        headers: CacheHeaders {
            etag: Some("\"v1\"".to_owned()),
            cache_control: Some("max-age=300".to_owned()),
            ..CacheHeaders::default()
        },
    };
    let text = record.encode(KEY, Some(b"k"));
    assert_eq!(
        Record::decode(&text, KEY, Some(b"k"), 50_000),
        Ok(record.clone())
    );
    assert_eq!(Record::decode(&text, KEY, None, 50_000), Ok(record));
    assert_eq!(
        Record::decode(&text, KEY, Some(b"k"), 10).unwrap_err(),
        "body exceeds 10 bytes"
    );
    let huge = format!("{:1$}", "", 10 * 6 + 4097);
    assert_eq!(
        Record::decode(&huge, KEY, None, 10).unwrap_err(),
        "record of 4157 bytes is too large"
    );
}

#[tokio::test]
async fn a_lock_taken_just_after_another_holder_stored_uses_its_set() {
    let fleet = Fleet::new();
    let stored = Record {
        fetched_at: fleet.clock.now(),
        body: jwks(&["other"]),
        headers: CacheHeaders::default(),
    };
    // Another holder stores and releases between this member's look and
    // its lock: the member must read that set rather than fetch again.
    *fleet.store.on_lock.lock() = Some(stored.encode(KEY, None));
    let endpoint = Endpoint::serving(&["a"]);
    let late = fleet.member(&endpoint, None);
    assert!(late.fetch().await.unwrap().body.contains("\"other\""));
    assert_eq!(endpoint.count(), 0);
    assert_eq!(count(&late.counters().hits), 1);
    assert!(fleet.store.read(LOCK).is_none(), "the lock is released");
}

/// An endpoint answering `304` to its own `ETag`.
struct Revalidating {
    requests: AtomicU64,
}

impl KeySource for Revalidating {
    fn fetch(&self) -> BoxFuture<'static, Result<crate::source::Document, Error>> {
        let reply = self.fetch_with(None);
        async move { reply.await?.into_document() }.boxed()
    }

    fn fetch_with(
        &self,
        validators: Option<&crate::source::headers::Validators>,
    ) -> BoxFuture<'static, Result<Reply, Error>> {
        self.requests.fetch_add(1, Ordering::SeqCst);
        let etag = Some("\"v1\"".to_owned());
        let response = if validators.is_some_and(|v| v.etag == etag) {
            Response::NotModified
        } else {
            Response::Body(crate::source::Document {
                body: Arc::from(jwks(&["a"])),
                fetched_at: None,
            })
        };
        let headers = CacheHeaders {
            etag,
            ..CacheHeaders::default()
        };
        futures_util::future::ready(Ok(Reply { response, headers })).boxed()
    }
}

#[tokio::test]
async fn a_304_to_the_lock_holder_stores_the_set_it_confirmed_fresh_again() {
    let fleet = Fleet::new();
    let endpoint = Arc::new(Revalidating {
        requests: AtomicU64::new(0),
    });
    let member = |fleet: &Fleet| {
        SharedSource::new(
            Arc::clone(&endpoint) as Arc<dyn KeySource>,
            Arc::clone(&fleet.store) as Arc<dyn SharedStore>,
            Arc::clone(&fleet.clock) as Arc<dyn Clock>,
            config(None),
        )
    };
    let holder = member(&fleet);
    let first = holder.fetch_with(None).await.unwrap();
    assert_eq!(first.headers.etag.as_deref(), Some("\"v1\""));
    fleet.clock.sleep(1_000).await;
    let revalidated_at = fleet.clock.now();
    let validators = crate::source::headers::Validators::from_headers(&first.headers);
    let second = holder.fetch_with(validators.as_ref()).await.unwrap();
    assert_eq!(second.response, Response::NotModified);
    let stored = Record::decode(&fleet.store.read(KEY).unwrap(), KEY, None, 50_000).unwrap();
    assert_eq!(stored.fetched_at, revalidated_at);
    assert_eq!(stored.headers.etag.as_deref(), Some("\"v1\""));
    let reader = member(&fleet).fetch_with(None).await.unwrap();
    assert_eq!(reader.headers.etag.as_deref(), Some("\"v1\""));
    assert!(matches!(reader.response, Response::Body(d) if d.fetched_at == Some(revalidated_at)));
    assert_eq!(endpoint.requests.load(Ordering::SeqCst), 2);
}

/// Starts a holder fetching from the gated `endpoint`, then `n` members
/// that find its lock taken and wait.
async fn holder_and_waiters(
    fleet: &Fleet,
    endpoint: &Arc<Endpoint>,
    n: usize,
) -> (
    tokio::task::JoinHandle<Result<crate::source::Document, Error>>,
    Vec<SharedSource>,
    Vec<tokio::task::JoinHandle<Result<crate::source::Document, Error>>>,
) {
    let holder = tokio::spawn(fleet.member(endpoint, None).fetch());
    while fleet.store.read(LOCK).is_none() {
        tokio::task::yield_now().await;
    }
    let waiters: Vec<_> = (0..n).map(|_| fleet.member(endpoint, None)).collect();
    let pending = waiters.iter().map(|m| tokio::spawn(m.fetch())).collect();
    let listening = |store: &MemoryStore| store.listeners.lock().as_ref().map(Vec::len);
    while !waiters.iter().all(|m| count(&m.counters().waits) == 1)
        || listening(&fleet.store).is_some_and(|listeners| listeners < n)
    {
        tokio::task::yield_now().await;
    }
    (holder, waiters, pending)
}

#[tokio::test]
async fn waiters_are_woken_by_the_holders_publication() {
    let fleet = Fleet::listening();
    let gate = Arc::new(Semaphore::new(0));
    let endpoint = Endpoint::gated(&["a"], Arc::clone(&gate));
    let (holder, waiters, pending) = holder_and_waiters(&fleet, &endpoint, 4).await;
    let started = fleet.clock.now();
    gate.add_permits(Semaphore::MAX_PERMITS);
    let held = holder.await.unwrap().unwrap();
    for waiter in pending {
        assert_eq!(waiter.await.unwrap().unwrap().fetched_at, held.fetched_at);
    }
    assert_eq!(endpoint.count(), 1);
    assert_eq!(*fleet.store.published.lock(), ["stored"]);
    for waiter in &waiters {
        assert_eq!(count(&waiter.counters().wakeups), 1);
        assert_eq!(count(&waiter.counters().hits), 1);
    }
    assert!(fleet.clock.now() - started < 30_000);
}

#[tokio::test]
async fn a_holder_whose_fetch_fails_sends_the_waiters_to_fetch_directly() {
    for fleet in [Fleet::listening(), Fleet::new()] {
        let gate = Arc::new(Semaphore::new(0));
        let endpoint = Endpoint::gated(&["a"], Arc::clone(&gate));
        endpoint.fail_with(Error::unavailable("down"));
        let listening = fleet.store.listeners.lock().is_some();
        let (holder, waiters, pending) = holder_and_waiters(&fleet, &endpoint, 3).await;
        let started = fleet.clock.now();
        gate.add_permits(Semaphore::MAX_PERMITS);
        assert!(holder.await.unwrap().is_err());
        for waiter in pending {
            assert!(waiter.await.unwrap().is_err());
        }
        assert!(fleet.store.read(LOCK).is_none(), "the lock is released");
        if listening {
            assert_eq!(*fleet.store.published.lock(), ["gave-up"]);
            // Each waiter fetched for itself at once, not one after another.
            assert_eq!(endpoint.count(), 4);
            assert!(fleet.clock.now() - started < 30_000);
            for waiter in &waiters {
                assert_eq!(count(&waiter.counters().wakeups), 1);
                let notes = waiter.counters().take_notes();
                assert!(notes.iter().any(|n| n.contains("gave up")), "{notes:?}");
            }
        } else {
            // Polling, each waiter takes the free lock in turn.
            assert_eq!(fleet.store.published.lock().len(), 4);
        }
    }
}

#[tokio::test]
async fn a_lost_publication_costs_one_look_at_the_store() {
    let fleet = Fleet::listening();
    let gate = Arc::new(Semaphore::new(0));
    let endpoint = Endpoint::gated(&["a"], Arc::clone(&gate));
    let (holder, waiters, pending) = holder_and_waiters(&fleet, &endpoint, 1).await;
    // The holder's message never arrives.
    *fleet.store.losing.lock() = true;
    gate.add_permits(Semaphore::MAX_PERMITS);
    let held = holder.await.unwrap().unwrap();
    let started = fleet.clock.now();
    for waiter in pending {
        assert_eq!(waiter.await.unwrap().unwrap().fetched_at, held.fetched_at);
    }
    assert!(fleet.clock.now() - started <= 1_000);
    assert_eq!(endpoint.count(), 1);
    assert_eq!(count(&waiters[0].counters().wakeups), 0);
}

/// A member fetching from a gated endpoint, once it holds the lock.
struct Holding {
    gate: Arc<Semaphore>,
    endpoint: Arc<Endpoint>,
    member: SharedSource,
    fetching: tokio::task::JoinHandle<Result<crate::source::Document, Error>>,
    taken_at: Millis,
}

async fn holding(fleet: &Fleet) -> Holding {
    let gate = Arc::new(Semaphore::new(0));
    let endpoint = Endpoint::gated(&["a"], Arc::clone(&gate));
    let taken_at = fleet.clock.now();
    let member = fleet.member(&endpoint, None);
    let fetching = tokio::spawn(member.fetch());
    while fleet.store.read(LOCK).is_none() {
        tokio::task::yield_now().await;
    }
    Holding {
        gate,
        endpoint,
        member,
        fetching,
        taken_at,
    }
}

/// The expiry of the lock, on the test clock.
fn lock_expiry(store: &MemoryStore) -> Option<Millis> {
    store.read(LOCK)?;
    store.entries.lock().get(LOCK).map(|(_, expires)| *expires)
}

#[tokio::test]
async fn a_live_holder_keeps_its_short_lock_while_its_fetch_runs() {
    let fleet = Fleet::listening();
    *fleet.store.renewing.lock() = true;
    let Holding {
        gate,
        endpoint,
        fetching: holder,
        taken_at,
        ..
    } = holding(&fleet).await;
    assert_eq!(lock_expiry(&fleet.store), Some(taken_at + 3_000));
    // The fetch outlives the lock's first lifetime several times over.
    while fleet.store.renewals.load(Ordering::SeqCst) < 10 {
        tokio::task::yield_now().await;
    }
    assert!(fleet.clock.now() - taken_at > 3 * 3_000);
    assert!(
        lock_expiry(&fleet.store).is_some(),
        "the lock is still held"
    );
    let waiter = fleet.member(&endpoint, None);
    let waiting = tokio::spawn(waiter.fetch());
    while count(&waiter.counters().waits) == 0 {
        tokio::task::yield_now().await;
    }
    gate.add_permits(Semaphore::MAX_PERMITS);
    let held = holder.await.unwrap().unwrap();
    assert_eq!(waiting.await.unwrap().unwrap().fetched_at, held.fetched_at);
    assert_eq!(endpoint.count(), 1);
    assert_eq!(count(&waiter.counters().takeovers), 0);
    assert!(fleet.store.read(LOCK).is_none(), "the lock is released");
}

#[tokio::test]
async fn a_holder_that_finds_its_lock_gone_stops_renewing_and_frees_nothing() {
    let fleet = Fleet::new();
    *fleet.store.renewing.lock() = true;
    let Holding {
        gate,
        member: holder,
        fetching,
        ..
    } = holding(&fleet).await;
    // The lock expired and another process took it.
    fleet.store.put(LOCK, "next-holder", 1_000_000);
    while fleet.store.renewals.load(Ordering::SeqCst) < 1 {
        tokio::task::yield_now().await;
    }
    for _ in 0..100 {
        tokio::task::yield_now().await;
    }
    assert_eq!(fleet.store.renewals.load(Ordering::SeqCst), 1);
    gate.add_permits(Semaphore::MAX_PERMITS);
    fetching.await.unwrap().unwrap();
    assert_eq!(fleet.store.read(LOCK).as_deref(), Some("next-holder"));
    let notes = holder.counters().take_notes();
    assert!(
        notes.iter().any(|n| n.contains("lock was lost")),
        "{notes:?}"
    );
}

#[tokio::test]
async fn without_renewal_a_lock_lives_the_whole_timeout() {
    let fleet = Fleet::new();
    let Holding {
        gate,
        fetching,
        taken_at,
        ..
    } = holding(&fleet).await;
    assert_eq!(lock_expiry(&fleet.store), Some(taken_at + 30_000));
    gate.add_permits(Semaphore::MAX_PERMITS);
    fetching.await.unwrap().unwrap();
    assert_eq!(fleet.store.renewals.load(Ordering::SeqCst), 0);
}
