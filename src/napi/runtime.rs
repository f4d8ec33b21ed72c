//! The tokio runtime the async methods run on: one worker thread.
//!
//! napi-rs builds a runtime with a worker per core. A fetch is a few I/O
//! steps and a little parsing, and with two workers the steps of one fetch
//! hopped between them: the worker that connects wakes the other, which
//! polls the socket and writes the request, and the first reads the answer,
//! each hop a futex wake and a context switch. On a two-core machine that
//! made a cold lookup measurably slower than Node's own `http.get`. With one
//! worker a fetch and its connection run on one thread; DNS lookups still go
//! to tokio's blocking pool, and the JavaScript thread is never blocked.

/// Hands napi-rs the runtime before it builds its own: this runs when the
/// addon is loaded, before any environment registers the module.
#[cfg(all(feature = "native-http", not(test)))]
#[napi_derive::module_init]
fn one_worker_runtime() {
    let built = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build();
    // Were it refused, napi-rs builds its default runtime instead.
    if let Ok(runtime) = built {
        napi::bindgen_prelude::create_custom_tokio_runtime(runtime);
    }
}
