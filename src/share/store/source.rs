//! The distributed single flight, as a key source wrapping the real one.
//!
//! Invariant: a fetch through this source returns either a stored set newer
//! than the one the client holds, or the inner source's own answer; the
//! store never turns that answer into an error.
//!
//! The bound on waiting (`timeout` is the fetch timeout, `c` the command
//! timeout). A waiter starts no earlier than the holder took the lock, and
//! the holder's fetch is bounded by the same `timeout`; the holder then
//! stores, publishes and unlocks (3 `c`). So, with a store that publishes,
//! a waiter whose holder lives has the set at most the holder's remaining
//! fetch time plus 4 `c` after it started waiting: never later than its own
//! direct fetch would have ended, but for those store commands. Past that:
//! - the holder gave up (its fetch failed): the waiter is woken at once and
//!   makes its own fetch, which adds that fetch to the holder's remaining
//!   time (about one fetch when the failure is quick, up to twice `timeout`
//!   when the holder's fetch timed out);
//! - the holder died: its lock, renewed every third of [`SHORT_LOCK_MS`]
//!   while it lives, expires within that time and is taken over at the next
//!   look (at most [`LISTENING_POLL_MS`] later), then the waiter fetches;
//! - the publication was lost: the next look finds the set, at most
//!   [`LISTENING_POLL_MS`] later;
//! - a store that cannot publish is polled (5 ms doubling to 200 ms), and
//!   one that cannot renew holds locks for `timeout`: a dead holder there
//!   costs its waiters `timeout` before they fetch directly.
//!
//! In every case a waiter stops waiting `timeout` after it started and
//! fetches directly.

use std::sync::Arc;

use futures_util::FutureExt;
use futures_util::future::{BoxFuture, Either, select};

use super::upstream::{Held, Upstream, has_signing_keys};
use super::{
    Clock, Record, SharedConfig, SharedCounters, SharedStore, StoreError, Wakeup, bounded,
};
use crate::Millis;
use crate::error::Error;
use crate::source::headers::{CacheHeaders, Validators};
use crate::source::{Document, KeySource, Reply, Response};
use crate::state::mutex::Mutex;

/// First pause between two looks at the store while another process fetches.
const FIRST_POLL_MS: Millis = 5;
/// Longest pause between two looks.
const MAX_POLL_MS: Millis = 200;
/// Pause between two looks while listening for the holder's publication:
/// they only catch a publication lost on the way.
const LISTENING_POLL_MS: Millis = 1_000;
/// Lifetime of a lock whose holder renews it (every third of it).
const SHORT_LOCK_MS: Millis = 3_000;
/// Published by a holder that stored the set (or found it stored).
const STORED: &str = "stored";
/// Published by a holder that stored nothing (its fetch failed, or the set
/// had no usable key): waiters fetch for themselves at once.
const GAVE_UP: &str = "gave-up";
/// A record stamped further than this in the future is not believed.
const MAX_CLOCK_SKEW_MS: Millis = 60_000;

/// A key source that consults a shared store first (`sharedCache`).
pub struct SharedSource {
    inner: Arc<Inner>,
}

struct Inner {
    source: Arc<dyn KeySource>,
    store: Arc<dyn SharedStore>,
    clock: Arc<dyn Clock>,
    config: SharedConfig,
    counters: Arc<SharedCounters>,
    /// The newest set this client was given.
    held: Mutex<Held>,
}

/// What a look at the store found.
enum Found {
    Newer(Reply),
    Nothing,
    Unreachable,
}

impl SharedSource {
    /// `source`, consulted through `store`.
    pub fn new(
        source: Arc<dyn KeySource>,
        store: Arc<dyn SharedStore>,
        clock: Arc<dyn Clock>,
        config: SharedConfig,
    ) -> Self {
        SharedSource {
            inner: Arc::new(Inner {
                source,
                store,
                clock,
                config,
                counters: Arc::default(),
                held: Mutex::default(),
            }),
        }
    }

    /// The counters of this source, for `stats()`.
    pub fn counters(&self) -> Arc<SharedCounters> {
        Arc::clone(&self.inner.counters)
    }
}

impl KeySource for SharedSource {
    fn fetch(&self) -> BoxFuture<'static, Result<Document, Error>> {
        let inner = Arc::clone(&self.inner);
        async move { inner.fetch(Upstream::Plain).await?.into_document() }.boxed()
    }

    fn fetch_with(
        &self,
        validators: Option<&Validators>,
    ) -> BoxFuture<'static, Result<Reply, Error>> {
        let inner = Arc::clone(&self.inner);
        let upstream = Upstream::Validating(validators.cloned());
        async move { inner.fetch(upstream).await }.boxed()
    }
}

impl Inner {
    async fn fetch(&self, upstream: Upstream) -> Result<Reply, Error> {
        let deadline = self.clock.now().saturating_add(self.config.wait);
        let token = lock_token(self.clock.now());
        let mut poll = FIRST_POLL_MS;
        let mut waited = false;
        let mut seen = None;
        // The next publication, once listening; `listen` says whether to
        // (try to) listen before the next wait.
        let mut wakeup: Option<Wakeup> = None;
        let mut listen = true;
        loop {
            match self.look(&mut seen).await {
                Found::Newer(reply) => return Ok(reply),
                Found::Unreachable => return self.direct(&upstream).await,
                Found::Nothing => {}
            }
            let lock =
                self.store
                    .lock(self.config.lock_key.clone(), token.clone(), self.lock_ttl());
            match self.command("lock", lock).await {
                Err(()) => return self.direct(&upstream).await,
                Ok(true) => {
                    return self.holding_lock(&upstream, token, waited, &mut seen).await;
                }
                Ok(false) => {}
            }
            if !waited {
                waited = true;
                SharedCounters::bump(&self.counters.waits);
            }
            if listen && wakeup.is_none() {
                listen = false;
                wakeup = self.listen().await;
                if wakeup.is_some() {
                    // A publication made before we listened is missed:
                    // look again now that none can be.
                    continue;
                }
            }
            let now = self.clock.now();
            if now >= deadline {
                self.counters.note(
                    "another process held the refresh lock past the timeout: fetching directly"
                        .to_owned(),
                );
                return self.direct(&upstream).await;
            }
            let Some(next) = wakeup.take() else {
                self.clock.sleep(poll.min(deadline - now)).await;
                poll = (poll * 2).min(MAX_POLL_MS);
                continue;
            };
            // Listening, a look at the store is only a fallback for a
            // publication lost on the way.
            let fallback = self.clock.sleep(LISTENING_POLL_MS.min(deadline - now));
            match select(next, fallback).await {
                Either::Left((message, _)) => {
                    if !message.is_empty() {
                        SharedCounters::bump(&self.counters.wakeups);
                    }
                    if message == GAVE_UP {
                        self.counters.note(
                            "the process holding the refresh lock gave up: fetching directly"
                                .to_owned(),
                        );
                        return self.direct(&upstream).await;
                    }
                    listen = true;
                }
                Either::Right((_, next)) => wakeup = Some(next),
            }
        }
    }

    /// How long a lock lives unless renewed: short when its holder renews
    /// it, so that a holder that died is taken over quickly.
    fn lock_ttl(&self) -> Millis {
        if self.store.can_renew() {
            SHORT_LOCK_MS.min(self.config.wait)
        } else {
            self.config.wait
        }
    }

    /// Renews the lock while the holder's fetch runs; ends when a renewal
    /// fails or finds the lock no longer ours (it expired and may be
    /// another's now), and never ends while the store cannot renew.
    async fn keep_lock(&self, token: &str) {
        if !self.store.can_renew() {
            return futures_util::future::pending().await;
        }
        let ttl = self.lock_ttl();
        loop {
            self.clock.sleep((ttl / 3).max(1)).await;
            let renew = self
                .store
                .renew(self.config.lock_key.clone(), token.to_owned(), ttl);
            if self.command("renew", renew).await != Ok(true) {
                self.counters.note(
                    "the refresh lock was lost while fetching: no longer renewing".to_owned(),
                );
                return;
            }
        }
    }

    /// Listening for publications on the lock's channel, if the store can.
    async fn listen(&self) -> Option<Wakeup> {
        let subscribe = self.store.subscribe(self.channel());
        self.command("subscribe", subscribe).await.ok().flatten()
    }

    /// The channel on which a lock holder announces the end of its refresh.
    fn channel(&self) -> String {
        format!("{}:done", self.config.lock_key)
    }

    /// Tells the waiters the refresh ended: the set is stored, or the
    /// holder gave up and they fetch for themselves.
    async fn announce(&self, message: &str) {
        let publish = self.store.publish(self.channel(), message.to_owned());
        let _ = self.command("publish", publish).await;
    }

    /// With the lock taken: the set another process may have stored since
    /// our last look (its holder released the lock just before we took it),
    /// or a fetch of our own.
    async fn holding_lock(
        &self,
        upstream: &Upstream,
        token: String,
        waited: bool,
        seen: &mut Option<String>,
    ) -> Result<Reply, Error> {
        if let Found::Newer(reply) = self.look(seen).await {
            self.announce(STORED).await;
            self.unlock(token).await;
            return Ok(reply);
        }
        if waited {
            SharedCounters::bump(&self.counters.takeovers);
        }
        self.fetch_and_publish(upstream, token).await
    }

    async fn unlock(&self, token: String) {
        let unlock = self.store.unlock(self.config.lock_key.clone(), token);
        let _ = self.command("unlock", unlock).await;
    }

    /// One store operation, bounded; a failure is counted and noted.
    async fn command<T>(
        &self,
        what: &str,
        op: BoxFuture<'static, Result<T, StoreError>>,
    ) -> Result<T, ()> {
        bounded(self.clock.as_ref(), self.config.command_timeout, op)
            .await
            .map_err(|StoreError(reason)| {
                SharedCounters::bump(&self.counters.errors);
                self.counters.note(format!(
                    "shared cache {what} failed ({reason}): {}",
                    after_failure(what)
                ));
            })
    }

    /// A stored set newer than ours and still fresh, if there is one.
    /// `seen` is the text of the previous look, judged already.
    async fn look(&self, seen: &mut Option<String>) -> Found {
        let get = self.store.get(self.config.key.clone());
        let text = match self.command("read", get).await {
            Ok(Some(text)) => text,
            Ok(None) => return Found::Nothing,
            Err(()) => return Found::Unreachable,
        };
        if seen.as_ref() == Some(&text) {
            return Found::Nothing;
        }
        let judged = self.usable(&text);
        *seen = Some(text);
        match judged {
            Ok(Some(record)) => {
                SharedCounters::bump(&self.counters.hits);
                self.counters.note(format!(
                    "using the key set another process fetched at {}",
                    record.fetched_at
                ));
                let document = self.given(record.body, &record.headers, record.fetched_at);
                Found::Newer(Reply {
                    response: Response::Body(document),
                    headers: record.headers,
                })
            }
            Ok(None) => Found::Nothing,
            Err(reason) => {
                SharedCounters::bump(&self.counters.rejected);
                self.counters
                    .note(format!("ignored the shared cache record: {reason}"));
                Found::Nothing
            }
        }
    }

    /// The record in `text` if it is to be used; `None` when it is sound but
    /// not newer than ours.
    fn usable(&self, text: &str) -> Result<Option<Record>, String> {
        let config = &self.config;
        let record = Record::decode(
            text,
            &config.key,
            config.secret.as_deref(),
            config.max_bytes,
        )?;
        let now = self.clock.now();
        if record.fetched_at > now.saturating_add(MAX_CLOCK_SKEW_MS) {
            return Err("fetch time is in the future".to_owned());
        }
        if now.saturating_sub(record.fetched_at) >= config.max_age {
            return Err("expired".to_owned());
        }
        if self
            .held
            .lock()
            .at
            .is_some_and(|held| held >= record.fetched_at)
        {
            return Ok(None);
        }
        if !has_signing_keys(&record.body, config.key_types) {
            return Err("no usable signing key in the stored body".to_owned());
        }
        Ok(Some(record))
    }

    /// A direct fetch, not shared (the store is unreachable or too slow).
    async fn direct(&self, upstream: &Upstream) -> Result<Reply, Error> {
        let at = self.clock.now();
        let reply = upstream.fetch(self.source.as_ref()).await?;
        Ok(self.received(reply, at))
    }

    /// Fetches as the lock holder, stores the set, and releases the lock if
    /// it is still ours. A `304` stores the set it confirmed, fresh again.
    async fn fetch_and_publish(&self, upstream: &Upstream, token: String) -> Result<Reply, Error> {
        let at = self.clock.now();
        let fetch = upstream.fetch(self.source.as_ref());
        let result = match select(fetch, self.keep_lock(&token).boxed()).await {
            Either::Left((result, _)) => result,
            Either::Right(((), fetch)) => fetch.await,
        };
        let mut stored = false;
        if let Ok(reply) = &result {
            let confirmed = match &reply.response {
                Response::Body(document) => {
                    Some((Arc::clone(&document.body), reply.headers.clone()))
                }
                Response::NotModified => self.held.lock().confirmed(&reply.headers),
            };
            let types = self.config.key_types;
            if let Some((body, headers)) =
                confirmed.filter(|(body, _)| has_signing_keys(body, types))
            {
                self.store_set(&body, headers, at).await;
                stored = true;
            }
        }
        // Announced before the lock is freed, so that no woken waiter
        // finds it free and fetches again as the next holder.
        self.announce(if stored { STORED } else { GAVE_UP }).await;
        self.unlock(token).await;
        result.map(|reply| self.received(reply, at))
    }

    async fn store_set(&self, body: &str, headers: CacheHeaders, at: Millis) {
        let record = Record {
            fetched_at: at,
            body: body.to_owned(),
            headers,
        };
        let config = &self.config;
        let text = record.encode(&config.key, config.secret.as_deref());
        let age = self.clock.now().saturating_sub(at);
        let ttl = config.max_age.saturating_sub(age).max(1);
        let set = self.store.set(config.key.clone(), text, ttl);
        if self.command("write", set).await.is_ok() {
            SharedCounters::bump(&self.counters.writes);
        }
    }

    /// A reply of the endpoint, its body marked as fetched at `at`.
    fn received(&self, reply: Reply, at: Millis) -> Reply {
        let Reply { response, headers } = reply;
        let response = match response {
            Response::Body(document) => Response::Body(self.given(document.body, &headers, at)),
            Response::NotModified => {
                self.held.lock().confirm(at);
                Response::NotModified
            }
        };
        Reply { response, headers }
    }

    /// The document handed to the client, remembered as the newest it holds.
    fn given(&self, body: impl Into<Arc<str>>, headers: &CacheHeaders, at: Millis) -> Document {
        let body = body.into();
        self.held.lock().hold(Arc::clone(&body), headers, at);
        Document {
            body,
            fetched_at: Some(at),
        }
    }
}

/// A token naming this lock holder: random, or unique enough without it.
fn lock_token(now: Millis) -> String {
    use ring::rand::SecureRandom;
    let mut bytes = [0u8; 16];
    match ring::rand::SystemRandom::new().fill(&mut bytes) {
        Ok(()) => bytes.iter().map(|b| format!("{b:02x}")).collect(),
        Err(_) => format!("{}-{now}", std::process::id()),
    }
}

/// What a client does once the store operation `what` has failed, for the
/// `DEBUG=jwks` line: only a failed read or lock sends it to the endpoint.
fn after_failure(what: &str) -> &'static str {
    match what {
        "renew" => "the lock may expire and be taken over while this fetch runs",
        "subscribe" => "waiting by looking at the store instead",
        "publish" => "the others find the set at their next look",
        "unlock" => "the lock expires by itself",
        "write" => "the others fetch for themselves",
        _ => "fetching directly",
    }
}
