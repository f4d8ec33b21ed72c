use std::io::ErrorKind;
use std::sync::Arc;

use super::*;
use crate::transport::TlsFailure;

const POLICY: RetryPolicy = RetryPolicy {
    retries: 2,
    min_delay: 100,
    max_delay: 1_000,
};

fn status(code: u16, retry_after: Option<&str>) -> FailureHint {
    FailureHint {
        status: Some(code),
        retry_after: retry_after.map(str::to_owned),
        code: None,
    }
}

fn transport(err: TransportError) -> Error {
    Error::Transport(Arc::new(err))
}

fn refused() -> Error {
    transport(TransportError::Connect {
        kind: ErrorKind::ConnectionRefused,
        os_code: Some(111),
        addr: "127.0.0.1:9".parse().expect("addr"),
    })
}

fn node_failure(code: Option<&str>) -> (Error, FailureHint) {
    let err = Error::HookError {
        handle: 1,
        endpoint_unavailable: true,
    };
    let hint = FailureHint {
        code: code.map(str::to_owned),
        ..FailureHint::default()
    };
    (err, hint)
}

#[test]
fn connection_failures_5xx_and_429_are_transient() {
    let none = FailureHint::default();
    for err in [
        refused(),
        transport(TransportError::HangUp),
        transport(TransportError::ConnectTimeout {
            addr: "127.0.0.1:9".parse().expect("addr"),
        }),
        transport(TransportError::Io {
            kind: ErrorKind::BrokenPipe,
            os_code: Some(32),
            detail: "broken pipe".into(),
        }),
    ] {
        assert_eq!(transient(&err, &none, 0), Some(0), "{err:?}");
    }
    let answered = Error::unavailable("Service Unavailable");
    for code in [429, 500, 502, 503, 504, 599] {
        assert_eq!(
            transient(&answered, &status(code, None), 0),
            Some(0),
            "{code}"
        );
    }
}

#[test]
fn other_statuses_and_failures_are_final() {
    let answered = Error::unavailable("Not Found");
    for code in [400, 401, 403, 404, 410, 418, 304, 600] {
        assert_eq!(transient(&answered, &status(code, None), 0), None, "{code}");
    }
    let none = FailureHint::default();
    for err in [
        transport(TransportError::Lookup {
            host: "nowhere.test".into(),
        }),
        transport(TransportError::Tls(TlsFailure::Expired)),
        transport(TransportError::HeaderOverflow),
        transport(TransportError::Parse {
            detail: "bad status".into(),
        }),
        Error::unavailable("The JWKS response exceeded the limit of 10 bytes"),
        Error::syntax(Arc::from("<html>"), "Unexpected token".into()),
        Error::content(crate::error::NO_KEYS),
        Error::invalid_uri(),
    ] {
        assert_eq!(transient(&err, &none, 0), None, "{err:?}");
    }
}

#[test]
fn node_failures_are_read_from_their_code() {
    for code in TRANSIENT_NODE_CODES {
        let (err, hint) = node_failure(Some(code));
        assert_eq!(transient(&err, &hint, 0), Some(0), "{code}");
    }
    for code in [
        None,
        Some("ENOTFOUND"),
        Some("DEPTH_ZERO_SELF_SIGNED_CERT"),
        Some("HPE_INVALID_CONSTANT"),
    ] {
        let (err, hint) = node_failure(code);
        assert_eq!(transient(&err, &hint, 0), None, "{code:?}");
    }
    // A 503 through Node's http is a hook error with its status.
    let (err, _) = node_failure(None);
    assert_eq!(transient(&err, &status(503, Some("2")), 0), Some(2_000));
}

#[test]
fn retry_after_is_seconds_or_an_http_date() {
    assert_eq!(retry_after("0", 0), Some(0));
    assert_eq!(retry_after(" 3 ", 0), Some(3_000));
    assert_eq!(retry_after("99999999999999999999999", 0), Some(Millis::MAX));
    let wall = date::parse("Sun, 06 Nov 1994 08:49:37 GMT").expect("date");
    assert_eq!(
        retry_after("Sun, 06 Nov 1994 08:49:39 GMT", wall),
        Some(2_000)
    );
    assert_eq!(
        retry_after("Sunday, 06-Nov-94 08:49:38 GMT", wall),
        Some(1_000)
    );
    // A date already past asks for no wait.
    assert_eq!(retry_after("Sun, 06 Nov 1994 08:00:00 GMT", wall), Some(0));
    for bad in ["", "-1", "1.5", "soon", "0x10", "1 2"] {
        assert_eq!(retry_after(bad, wall), None, "{bad:?}");
    }
}

#[test]
fn an_invalid_retry_after_leaves_the_backoff() {
    let err = Error::unavailable("Too Many Requests");
    assert_eq!(transient(&err, &status(429, Some("later")), 0), Some(0));
}

#[test]
fn backoff_grows_within_its_jitter_bounds() {
    for random in [0, 1, 57, 1_000_003, u64::MAX] {
        let first = POLICY.backoff(1, random);
        assert!((100..=200).contains(&first), "{first}");
        let second = POLICY.backoff(2, random);
        assert!((200..=400).contains(&second), "{second}");
        // Capped at maxDelay, and never under half of it (nor under minDelay).
        for n in [4, 10, 63, 64, u32::MAX] {
            let late = POLICY.backoff(n, random);
            assert!((500..=1_000).contains(&late), "{n}: {late}");
        }
    }
    assert_eq!(POLICY.backoff(1, 0), 100);
    assert_eq!(POLICY.backoff(1, 100), 200);
    let spread: std::collections::HashSet<_> = (0..200).map(|r| POLICY.backoff(1, r)).collect();
    assert_eq!(
        spread.len(),
        101,
        "every pause from 100 to 200 ms can be drawn"
    );
}

#[test]
fn equal_delays_and_zero_delays_are_exact() {
    let fixed = RetryPolicy {
        retries: 3,
        min_delay: 250,
        max_delay: 250,
    };
    let immediate = RetryPolicy {
        retries: 3,
        min_delay: 0,
        max_delay: 0,
    };
    for random in [0, 7, u64::MAX] {
        assert_eq!(fixed.backoff(3, random), 250);
        assert_eq!(immediate.backoff(3, random), 0);
    }
}

#[test]
fn pause_honours_retry_after_within_max_delay() {
    let err = Error::unavailable("Service Unavailable");
    // Longer than the backoff: waited.
    assert_eq!(
        POLICY.pause(1, &err, &status(503, Some("1")), 0, 0),
        Some(1_000)
    );
    // Shorter: the backoff stands.
    assert_eq!(
        POLICY.pause(1, &err, &status(503, Some("0")), 0, 0),
        Some(100)
    );
    // Longer than maxDelay: no retry at all.
    assert_eq!(POLICY.pause(1, &err, &status(429, Some("2")), 0, 0), None);
    // Past the retries, or not transient: none.
    assert_eq!(POLICY.pause(3, &err, &status(503, None), 0, 0), None);
    assert_eq!(POLICY.pause(0, &err, &status(503, None), 0, 0), None);
    assert_eq!(POLICY.pause(1, &err, &status(404, None), 0, 0), None);
}

#[cfg(feature = "native-http")]
mod retrying {
    use std::collections::VecDeque;
    use std::sync::atomic::{AtomicU64, Ordering};
    use std::time::Duration;

    use futures_util::FutureExt;
    use futures_util::future::{self, BoxFuture};

    use super::*;
    use crate::source::headers::Validators;
    use crate::source::{Attempt, Document, KeySource, Reply, Response};
    use crate::state::mutex::Mutex;

    /// A clock that moves only when slept on: a sleep, once polled, moves
    /// it on and ends (a sleep never polled, armed beside an attempt that
    /// ended first, moves nothing).
    #[derive(Default)]
    struct Driven {
        now: Arc<AtomicU64>,
        sleeps: Arc<Mutex<Vec<Millis>>>,
    }

    impl Timer for Driven {
        fn now(&self) -> Millis {
            self.now.load(Ordering::SeqCst)
        }
        fn wall(&self) -> Millis {
            1_000_000 + self.now()
        }
        fn sleep(&self, ms: Millis) -> BoxFuture<'static, ()> {
            let (now, sleeps) = (Arc::clone(&self.now), Arc::clone(&self.sleeps));
            future::lazy(move |_| {
                sleeps.lock().push(ms);
                now.fetch_add(ms, Ordering::SeqCst);
            })
            .boxed()
        }
    }

    enum Outcome {
        Fails(Error, FailureHint),
        /// Fails after taking this long on the driven clock.
        SlowlyFails(Millis, Error),
        Serves,
        Hangs,
    }

    /// An endpoint answering each attempt with the next scripted outcome.
    struct Scripted {
        outcomes: Mutex<VecDeque<Outcome>>,
        timer: Arc<Driven>,
        /// When each attempt started, and the validators it sent.
        attempts: Mutex<Vec<(Millis, Option<Validators>, bool)>>,
    }

    impl KeySource for Scripted {
        fn fetch(&self) -> BoxFuture<'static, Result<Document, Error>> {
            unreachable!("the retrying source makes attempts")
        }

        fn attempt(
            &self,
            validators: Option<&Validators>,
            plain: bool,
        ) -> BoxFuture<'static, Attempt> {
            let now = self.timer.now();
            self.attempts.lock().push((now, validators.cloned(), plain));
            let outcome = self.outcomes.lock().pop_front().unwrap_or(Outcome::Serves);
            let timer = Arc::clone(&self.timer);
            let body = Reply::body(Document {
                body: Arc::from("{\"keys\":[]}"),
                fetched_at: None,
            });
            match outcome {
                Outcome::Fails(err, hint) => future::ready((Err(err), hint)).boxed(),
                Outcome::SlowlyFails(ms, err) => {
                    timer.now.fetch_add(ms, Ordering::SeqCst);
                    future::ready((Err(err), FailureHint::default())).boxed()
                }
                Outcome::Serves => future::ready((Ok(body), FailureHint::default())).boxed(),
                Outcome::Hangs => future::pending().boxed(),
            }
        }
    }

    fn retrying(
        policy: RetryPolicy,
        timeout: Millis,
        outcomes: Vec<Outcome>,
    ) -> (Retrying, Arc<Scripted>, Arc<Driven>) {
        let timer = Arc::new(Driven::default());
        let source = Arc::new(Scripted {
            outcomes: Mutex::new(outcomes.into()),
            timer: Arc::clone(&timer),
            attempts: Mutex::new(Vec::new()),
        });
        let retrying = Retrying::new(
            Arc::clone(&source) as Arc<dyn KeySource>,
            policy,
            Duration::from_millis(timeout),
            Arc::clone(&timer) as Arc<dyn Timer>,
        );
        (retrying, source, timer)
    }

    fn unavailable(code: u16) -> Outcome {
        Outcome::Fails(
            Error::unavailable("Service Unavailable"),
            status(code, None),
        )
    }

    fn reset() -> Outcome {
        Outcome::Fails(transport(TransportError::HangUp), FailureHint::default())
    }

    #[tokio::test]
    async fn a_reset_and_a_503_are_retried_until_the_set_comes() {
        let (source, endpoint, timer) = retrying(POLICY, 30_000, vec![reset(), unavailable(503)]);
        let document = source.fetch().await.expect("the third attempt serves");
        assert_eq!(&*document.body, "{\"keys\":[]}");
        let attempts = endpoint.attempts.lock();
        assert_eq!(attempts.len(), 3);
        assert!(
            attempts
                .iter()
                .all(|(_, validators, plain)| validators.is_none() && *plain)
        );
        let pauses = timer.sleeps.lock().clone();
        assert_eq!(pauses.len(), 2);
        assert!((100..=200).contains(&pauses[0]), "{pauses:?}");
        assert!((200..=400).contains(&pauses[1]), "{pauses:?}");
    }

    #[tokio::test]
    async fn the_last_failure_is_returned_after_the_last_retry() {
        let outcomes = vec![reset(), reset(), unavailable(502), Outcome::Serves];
        let (source, endpoint, _) = retrying(POLICY, 30_000, outcomes);
        let err = source.fetch().await.expect_err("three failures");
        assert_eq!(err, Error::unavailable("Service Unavailable"));
        assert_eq!(endpoint.attempts.lock().len(), 3);
    }

    #[tokio::test]
    async fn a_final_failure_is_not_retried() {
        let tls = transport(TransportError::Tls(TlsFailure::SelfSigned));
        for outcome in [
            unavailable(404),
            Outcome::Fails(tls, FailureHint::default()),
        ] {
            let (source, endpoint, timer) = retrying(POLICY, 30_000, vec![outcome]);
            assert!(source.fetch().await.is_err());
            assert_eq!(endpoint.attempts.lock().len(), 1);
            assert!(timer.sleeps.lock().is_empty());
        }
    }

    #[tokio::test]
    async fn retry_after_is_waited_and_one_past_max_delay_is_final() {
        let asked = Outcome::Fails(
            Error::unavailable("Too Many Requests"),
            status(429, Some("1")),
        );
        let (source, endpoint, timer) = retrying(POLICY, 30_000, vec![asked]);
        source.fetch().await.expect("served after the wait");
        assert_eq!(endpoint.attempts.lock()[1].0, 1_000);
        assert_eq!(timer.sleeps.lock()[0], 1_000);

        let too_long = Outcome::Fails(
            Error::unavailable("Too Many Requests"),
            status(429, Some("5")),
        );
        let (source, endpoint, timer) = retrying(POLICY, 30_000, vec![too_long]);
        let err = source.fetch().await.expect_err("not waited for");
        assert_eq!(err.to_string(), "Too Many Requests");
        assert_eq!(endpoint.attempts.lock().len(), 1);
        assert!(timer.sleeps.lock().is_empty());
    }

    #[tokio::test]
    async fn no_pause_ends_past_the_deadline() {
        // The first attempt took 950 of 1000 ms: a pause of 100 ms or more
        // would end past the deadline, so the failure is final at once.
        let slow = Outcome::SlowlyFails(950, transport(TransportError::HangUp));
        let (source, endpoint, timer) = retrying(POLICY, 1_000, vec![slow]);
        let err = source.fetch().await.expect_err("no time left");
        assert_eq!(err, transport(TransportError::HangUp));
        assert_eq!(endpoint.attempts.lock().len(), 1);
        assert!(timer.sleeps.lock().is_empty());
    }

    #[tokio::test]
    async fn a_later_attempt_is_cut_at_the_deadline() {
        let (source, endpoint, timer) =
            retrying(POLICY, 1_000, vec![unavailable(503), Outcome::Hangs]);
        let err = source.fetch().await.expect_err("cut");
        assert_eq!(err, transport(TransportError::HangUp));
        assert_eq!(endpoint.attempts.lock().len(), 2);
        // The pause, then the rest of the deadline: the fetch ended at 1000 ms.
        assert_eq!(timer.now(), 1_000);
        let sleeps = timer.sleeps.lock().clone();
        assert_eq!(sleeps.iter().sum::<Millis>(), 1_000, "{sleeps:?}");
    }

    #[tokio::test]
    async fn every_attempt_sends_the_validators() {
        let validators = Validators {
            etag: Some("\"v1\"".into()),
            last_modified: None,
        };
        let (source, endpoint, _) = retrying(POLICY, 30_000, vec![unavailable(500)]);
        let reply = source.fetch_with(Some(&validators)).await.expect("served");
        assert!(matches!(reply.response, Response::Body(_)));
        let attempts = endpoint.attempts.lock();
        assert_eq!(attempts.len(), 2);
        assert!(
            attempts
                .iter()
                .all(|(_, sent, plain)| sent.as_ref() == Some(&validators) && !*plain)
        );
    }
}
