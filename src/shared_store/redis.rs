//! The Redis store (`sharedCache.redis`): one multiplexed connection per
//! client, opened on first use and opened again after any failure.
//!
//! Locks are `SET key token NX PX ttl`; a lock is released by a script that
//! deletes it only while it still holds our token, so a holder whose lock
//! expired never frees the lock of the process that took over.

use std::sync::Arc;
use std::time::Duration;

use futures_util::FutureExt;
use futures_util::future::BoxFuture;
use redis::aio::MultiplexedConnection;
use redis::{AsyncConnectionConfig, Client, Cmd, FromRedisValue, Value};

use super::{SharedStore, StoreError};
use crate::cache::Millis;
use crate::sync::Mutex;

/// Deletes KEYS[1] only if it holds ARGV[1].
const UNLOCK_SCRIPT: &str = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end";

/// A Redis server reached by URL (`redis://`, `rediss://`, with AUTH and
/// database in the URL).
pub struct RedisStore {
    inner: Arc<Inner>,
}

struct Inner {
    client: Client,
    timeout: Duration,
    connection: Mutex<Option<MultiplexedConnection>>,
}

impl RedisStore {
    /// A store for `url`; nothing is connected until the first command.
    ///
    /// # Errors
    /// The URL is not a Redis URL.
    pub fn open(url: &str, command_timeout: Millis) -> Result<Self, StoreError> {
        let client = Client::open(url).map_err(|e| StoreError(describe(&e)))?;
        Ok(RedisStore {
            inner: Arc::new(Inner {
                client,
                timeout: Duration::from_millis(command_timeout),
                connection: Mutex::new(None),
            }),
        })
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
        let config = AsyncConnectionConfig::new()
            .set_connection_timeout(Some(self.timeout))
            .set_response_timeout(Some(self.timeout));
        let connection = self
            .client
            .get_multiplexed_async_connection_with_config(&config)
            .await
            .map_err(|e| StoreError(describe(&e)))?;
        *self.connection.lock() = Some(connection.clone());
        Ok(connection)
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

fn describe(err: &redis::RedisError) -> String {
    format!("Redis: {err}")
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
        let cmd = redis::cmd("EVAL")
            .arg(UNLOCK_SCRIPT)
            .arg(1)
            .arg(key)
            .arg(token)
            .clone();
        let release = self.run::<Value>(cmd);
        async move { release.await.map(drop) }.boxed()
    }
}
