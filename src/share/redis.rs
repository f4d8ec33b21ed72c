//! The Redis store (`sharedCache.redis`): one multiplexed connection per
//! client, opened on first use and opened again after any failure, and at
//! most one subscription connection, opened when the client first waits for
//! another process's refresh and dropped when it fails.
//!
//! Locks are `SET key token NX PX ttl`; a lock is released by a script that
//! deletes it only while it still holds our token, so a holder whose lock
//! expired never frees the lock of the process that took over.

use std::sync::Arc;
use std::time::Duration;

use futures_util::future::BoxFuture;
use futures_util::{FutureExt, StreamExt};
use redis::aio::{MultiplexedConnection, PubSub};
use redis::{AsyncConnectionConfig, Cmd, FromRedisValue, RedisConnectionInfo, Value};
use rustls::ClientConfig;
use tokio::sync::broadcast;

use crate::Millis;
use crate::http::net::{self, Io};
use crate::share::store::{SharedStore, StoreError, Wakeup};
use crate::state::mutex::Mutex;

/// Deletes KEYS[1] only if it holds ARGV[1].
const UNLOCK_SCRIPT: &str = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end";

/// Sets the lifetime of `KEYS[1]` to `ARGV[2]` ms only if it holds `ARGV[1]`.
const RENEW_SCRIPT: &str = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end";

/// Where a Redis server is, and how to log in: the parts of a `redis://` or
/// `rediss://` URL. (Parsed by the caller: the crate's own URL parser would
/// bring a second URL and IDNA implementation into the binary.)
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RedisAddress {
    /// TLS (`rediss://`), verified against the roots the client trusts by default.
    pub tls: bool,
    /// Host name or IP address, without brackets.
    pub host: String,
    /// TCP port.
    pub port: u16,
    /// Database number.
    pub db: u32,
    /// ACL user name, if any.
    pub username: Option<String>,
    /// Password (AUTH), if any.
    pub password: Option<String>,
}

impl RedisAddress {
    /// The login and database, sent once a connection is open.
    fn login(&self) -> RedisConnectionInfo {
        let mut login = RedisConnectionInfo::default().set_db(i64::from(self.db));
        if let Some(username) = &self.username {
            login = login.set_username(username.clone());
        }
        if let Some(password) = &self.password {
            login = login.set_password(password.clone());
        }
        login
    }
}

/// A Redis server.
pub struct RedisStore {
    inner: Arc<Inner>,
}

struct Inner {
    address: RedisAddress,
    /// The TLS settings of `rediss://`: the roots the client's own fetches
    /// trust by default (Node's, plus `NODE_EXTRA_CA_CERTS`).
    tls: Option<Arc<ClientConfig>>,
    timeout: Duration,
    connection: Mutex<Option<MultiplexedConnection>>,
    /// The listening connection's messages, while it is open.
    listening: Mutex<Option<Listening>>,
}

/// One subscription connection, read by a task that hands each message on
/// to the waiters; it ends (and is dropped) with the connection.
struct Listening {
    channel: String,
    messages: broadcast::Sender<String>,
}

impl RedisStore {
    /// A store at `address`, over TLS with `tls` when the address asks for
    /// it; nothing is connected until the first command.
    pub fn open(
        address: RedisAddress,
        tls: Option<Arc<ClientConfig>>,
        command_timeout: Millis,
    ) -> Self {
        RedisStore {
            inner: Arc::new(Inner {
                address,
                tls,
                timeout: Duration::from_millis(command_timeout),
                connection: Mutex::new(None),
                listening: Mutex::new(None),
            }),
        }
    }

    fn run<T: FromRedisValue + Send + 'static>(
        &self,
        cmd: Cmd,
    ) -> BoxFuture<'static, Result<T, StoreError>> {
        let inner = Arc::clone(&self.inner);
        async move { inner.run(cmd).await }.boxed()
    }
}

impl Inner {
    async fn connection(&self) -> Result<MultiplexedConnection, StoreError> {
        if let Some(connection) = self.connection.lock().clone() {
            return Ok(connection);
        }
        let config = AsyncConnectionConfig::new().set_response_timeout(Some(self.timeout));
        let stream = self.stream().await?;
        let (connection, driver) = tokio::time::timeout(
            self.timeout,
            MultiplexedConnection::new_with_config(&self.address.login(), stream, config),
        )
        .await
        .map_err(|_| timed_out())?
        .map_err(|e| StoreError(describe(&e)))?;
        tokio::spawn(driver);
        *self.connection.lock() = Some(connection.clone());
        Ok(connection)
    }

    /// A new connection to the server, in TLS for `rediss://`: the same
    /// sockets and rustls as the client's own fetches, so the store trusts
    /// what they trust and needs no TLS stack of its own.
    async fn stream(&self) -> Result<Box<dyn Io>, StoreError> {
        let host = self.address.host.as_str();
        let open = async {
            let tcp = net::connect_tcp(host, self.address.port).await?;
            match (&self.tls, self.address.tls) {
                (Some(config), true) => net::start_tls(tcp, host, config).await,
                _ => Ok(Box::new(tcp) as Box<dyn Io>),
            }
        };
        tokio::time::timeout(self.timeout, open)
            .await
            .map_err(|_| timed_out())?
            .map_err(|e| StoreError(format!("Redis: {e}")))
    }

    async fn run<T: FromRedisValue>(&self, cmd: Cmd) -> Result<T, StoreError> {
        let mut connection = self.connection().await?;
        let result = cmd.query_async::<T>(&mut connection).await;
        result.map_err(|e| {
            // A broken or confused connection is not reused.
            *self.connection.lock() = None;
            StoreError(describe(&e))
        })
    }
}

impl Inner {
    /// A receiver of the messages on `channel`, subscribing first if no
    /// connection listens on it yet.
    async fn listen(self: Arc<Self>, channel: String) -> Result<Wakeup, StoreError> {
        let live = self
            .listening
            .lock()
            .as_ref()
            .filter(|l| l.channel == channel)
            .map(|l| l.messages.subscribe());
        let mut receiver = match live {
            Some(receiver) => receiver,
            None => self.open_listening(channel).await?,
        };
        Ok(async move { receiver.recv().await.unwrap_or_default() }.boxed())
    }

    async fn open_listening(
        self: &Arc<Self>,
        channel: String,
    ) -> Result<broadcast::Receiver<String>, StoreError> {
        let stream = self.stream().await?;
        let mut pubsub =
            tokio::time::timeout(self.timeout, PubSub::new(&self.address.login(), stream))
                .await
                .map_err(|_| timed_out())?
                .map_err(|e| StoreError(describe(&e)))?;
        pubsub
            .subscribe(&channel)
            .await
            .map_err(|e| StoreError(describe(&e)))?;
        let (messages, receiver) = broadcast::channel(16);
        let mut stream = pubsub.into_on_message();
        let sender = messages.clone();
        let inner = Arc::downgrade(self);
        tokio::spawn(async move {
            while let Some(message) = stream.next().await {
                let text = message.get_payload::<String>().unwrap_or_default();
                let _ = sender.send(text);
            }
            // The connection ended: the next waiter opens another.
            if let Some(inner) = inner.upgrade() {
                let mut listening = inner.listening.lock();
                if listening
                    .as_ref()
                    .is_some_and(|l| l.messages.same_channel(&sender))
                {
                    *listening = None;
                }
            }
        });
        *self.listening.lock() = Some(Listening { channel, messages });
        Ok(receiver)
    }
}

/// `script` run on the lock `key` with our `token`.
fn on_lock(script: &str, key: String, token: String) -> Cmd {
    redis::cmd("EVAL")
        .arg(script)
        .arg(1)
        .arg(key)
        .arg(token)
        .clone()
}

fn describe(err: &redis::RedisError) -> String {
    format!("Redis: {err}")
}

fn timed_out() -> StoreError {
    StoreError("Redis: connecting timed out".to_owned())
}

impl SharedStore for RedisStore {
    fn get(&self, key: String) -> BoxFuture<'static, Result<Option<String>, StoreError>> {
        let read = self.run::<Option<Vec<u8>>>(redis::cmd("GET").arg(key).clone());
        async move {
            match read.await? {
                // Bytes that are not text are garbage to the caller, not a
                // broken store.
                Some(bytes) => Ok(Some(String::from_utf8_lossy(&bytes).into_owned())),
                None => Ok(None),
            }
        }
        .boxed()
    }

    fn set(
        &self,
        key: String,
        value: String,
        ttl: Millis,
    ) -> BoxFuture<'static, Result<(), StoreError>> {
        let cmd = redis::cmd("SET")
            .arg(key)
            .arg(value)
            .arg("PX")
            .arg(ttl)
            .clone();
        let write = self.run::<Value>(cmd);
        async move { write.await.map(drop) }.boxed()
    }

    fn lock(
        &self,
        key: String,
        token: String,
        ttl: Millis,
    ) -> BoxFuture<'static, Result<bool, StoreError>> {
        let cmd = redis::cmd("SET")
            .arg(key)
            .arg(token)
            .arg("NX")
            .arg("PX")
            .arg(ttl.max(1))
            .clone();
        let taken = self.run::<Option<String>>(cmd);
        async move { Ok(taken.await?.is_some()) }.boxed()
    }

    fn unlock(&self, key: String, token: String) -> BoxFuture<'static, Result<(), StoreError>> {
        let release = self.run::<Value>(on_lock(UNLOCK_SCRIPT, key, token));
        async move { release.await.map(drop) }.boxed()
    }

    fn can_renew(&self) -> bool {
        true
    }

    fn renew(
        &self,
        key: String,
        token: String,
        ttl: Millis,
    ) -> BoxFuture<'static, Result<bool, StoreError>> {
        let cmd = on_lock(RENEW_SCRIPT, key, token).arg(ttl.max(1)).clone();
        let renewed = self.run::<i64>(cmd);
        async move { Ok(renewed.await? == 1) }.boxed()
    }

    fn publish(
        &self,
        channel: String,
        message: String,
    ) -> BoxFuture<'static, Result<(), StoreError>> {
        let cmd = redis::cmd("PUBLISH").arg(channel).arg(message).clone();
        let publish = self.run::<Value>(cmd);
        async move { publish.await.map(drop) }.boxed()
    }

    fn subscribe(&self, channel: String) -> BoxFuture<'static, Result<Option<Wakeup>, StoreError>> {
        let inner = Arc::clone(&self.inner);
        async move { inner.listen(channel).await.map(Some) }.boxed()
    }
}
