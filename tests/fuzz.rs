//! Mutation fuzzing on stable Rust, seeded with real key sets
//! (`tests/fixtures/jwks/*.json`): the JSON reader, key validation and PEM
//! encoding, base64url decoding, the `x5c` certificate reader (also on the
//! sets' own certificates, mutated), and the HTTP response path against an
//! in-process server. Every input must give an answer, never a panic.
//!
//! `cargo test` runs a short bounded slice. A long run:
//! `FUZZ_INPUTS=10000000 cargo test --profile fuzz --test fuzz -- --nocapture`
//! (`FUZZ_SEED` picks another sequence; `FUZZ_HTTP_INPUTS` sizes the HTTP part).

#![allow(
    clippy::indexing_slicing,
    clippy::expect_used,
    clippy::panic,
    clippy::print_stderr,
    reason = "a test harness: its own bounds are checked, it reports its counts, and failing loudly is its job"
)]

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use jwks_rsa_native::http::{HttpSettings, HttpSource, Target, head_limit};
use jwks_rsa_native::keys::ed448;
use jwks_rsa_native::keys::json;
use jwks_rsa_native::keys::jwk::{decode_b64url, parse_key, parse_key_with};
use jwks_rsa_native::keys::pem::{EcCurve, KeyMaterial, OkpCurve, spki_pem};
use jwks_rsa_native::keys::x509;
use jwks_rsa_native::{KeySet, KeySource, KeyTypes};
use serde_json::Value;

/// xorshift64*: fast, deterministic from a seed, no dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// Fragments that reach the odd corners of JSON and of key members.
const TOKENS: &[&str] = &[
    "{",
    "}",
    "[",
    "]",
    ",",
    ":",
    "\"",
    "\\",
    "\\u",
    "\\udc00",
    "\\ud800",
    "\\ud83d\\ude00",
    "1e400",
    "-1e400",
    "1e-400",
    "-0",
    "0",
    "01",
    "1.",
    ".5",
    "null",
    "true",
    "false",
    "\"keys\"",
    "\"kty\":\"RSA\"",
    "\"kty\":\"EC\"",
    "\"kty\":\"OKP\"",
    "\"crv\":\"Ed448\"",
    "\"crv\":\"P-521\"",
    "\"alg\":0",
    "\"use\":\"enc\"",
    "\"key_ops\":[\"verify\"]",
    "\"d\":\"AA\"",
    "\"n\":\"AQAB\"",
    "\"e\":\"AQAB=\"",
    "\"x\":\" A!=\"",
    "\u{feff}",
    "\u{141}",
    "é",
    " ",
    "\t",
    "\n",
    "=",
    "==",
    "+/",
    "-_",
];

fn seeds() -> Vec<String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/jwks");
    let mut seeds: Vec<String> = std::fs::read_dir(&dir)
        .expect("fixtures")
        .filter_map(|entry| {
            let path = entry.ok()?.path();
            (path.extension()? == "json").then(|| std::fs::read_to_string(path).ok())?
        })
        .collect();
    seeds.sort();
    assert!(seeds.len() > 10, "the real key sets are the seeds");
    seeds
}

/// One structure-aware mutation of a seed, a few times over.
fn mutate(rng: &mut Rng, seeds: &[String]) -> Vec<u8> {
    let mut bytes = rng.pick(seeds).as_bytes().to_vec();
    for _ in 0..=rng.below(4) {
        let at = rng.below(bytes.len() + 1);
        match rng.below(9) {
            0 => {
                if let Some(b) = bytes.get_mut(at) {
                    *b ^= 1 << rng.below(8);
                }
            }
            1 => {
                let token = rng.pick(TOKENS).as_bytes();
                bytes.splice(at..at, token.iter().copied());
            }
            2 => {
                let end = (at + rng.below(64)).min(bytes.len());
                bytes.drain(at..end);
            }
            3 => {
                let end = (at + rng.below(256)).min(bytes.len());
                let copy = bytes[at..end].to_vec();
                let to = rng.below(bytes.len() + 1);
                bytes.splice(to..to, copy);
            }
            4 => {
                let other = rng.pick(seeds).as_bytes();
                let from = rng.below(other.len());
                let end = (from + rng.below(512)).min(other.len());
                bytes.splice(at..at, other[from..end].iter().copied());
            }
            5 => bytes.truncate(at),
            6 => {
                let depth = 1 + rng.below(3000);
                let nest = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
                bytes.splice(at..at, nest.into_bytes());
            }
            7 => {
                // Replace the contents of a string with odd base64url.
                if let Some(quote) = bytes.iter().skip(at).position(|b| *b == b'"') {
                    let start = at + quote + 1;
                    let end = bytes
                        .iter()
                        .skip(start)
                        .position(|b| *b == b'"')
                        .map_or(bytes.len(), |p| start + p);
                    let junk: Vec<u8> = (0..rng.below(100))
                        .map(|_| *rng.pick(b"AQB_-+/= !\\x0aw9"))
                        .collect();
                    bytes.splice(start..end, junk);
                }
            }
            _ => {
                let random: Vec<u8> = (0..rng.below(16)).map(|_| rng.next() as u8).collect();
                bytes.splice(at..at, random);
            }
        }
    }
    bytes
}

/// What a key set makes of a document: its kids and PEMs, or the error.
fn outcome(value: &Value) -> Result<Vec<(Option<String>, String)>, String> {
    KeySet::from_json(value)
        .map(|set| {
            set.keys()
                .iter()
                .map(|k| (k.kid.clone(), k.pem().to_owned()))
                .collect()
        })
        .map_err(|e| e.to_string())
}

/// Everything a set tells: its keys with their PEMs, the skipped entries, or the error.
fn listing(set: Result<KeySet, jwks_rsa_native::Error>) -> Result<String, String> {
    set.map(|set| {
        let keys: Vec<_> = set
            .keys()
            .iter()
            .map(|k| (&k.kid, &k.alg, k.pem()))
            .collect();
        format!("{keys:?} {:?}", set.skipped())
    })
    .map_err(|e| e.to_string())
}

/// A body read as fetched (its entries only located, each read when used)
/// tells what the same body parsed whole tells.
fn check_located(text: &str, parsed: Option<&Value>) {
    let body: Arc<str> = Arc::from(text);
    let located = KeySet::from_text(&body, ALL_KEY_TYPES);
    match parsed {
        Some(value) => assert_eq!(
            listing(located),
            listing(KeySet::from_json_with(value, ALL_KEY_TYPES)),
            "located and parsed sets differ: {text:?}"
        ),
        None => assert!(
            matches!(located, Err(jwks_rsa_native::Error::SyntaxError { .. })),
            "not JSON, yet no SyntaxError: {text:?}"
        ),
    }
}

/// Runs one document through every parser; checks the JSON reader against
/// serde_json where both read it.
fn check_document(bytes: &[u8]) {
    let text = String::from_utf8_lossy(bytes);
    let ours = json::parse(&text);
    check_located(&text, ours.as_ref().ok());
    if let Ok(theirs) = serde_json::from_str::<Value>(&text) {
        let ours = ours
            .as_ref()
            .expect("what serde_json reads, JSON.parse reads");
        assert_eq!(outcome(ours), outcome(&theirs), "same keys either way");
    }
    if let Ok(value) = ours {
        let _ = outcome(&value);
        let _ = KeySet::from_json_with(&value, ALL_KEY_TYPES);
        if let Some(entries) = value.get("keys").and_then(Value::as_array) {
            for entry in entries {
                let _ = parse_key(entry);
                let _ = parse_key_with(&without_members(entry), ALL_KEY_TYPES);
            }
        }
    }
}

/// Every key type an option adds.
const ALL_KEY_TYPES: KeyTypes = KeyTypes {
    x5c_only: true,
    secp256k1: true,
};

/// The entry without its public members, so that its `x5c` is read.
fn without_members(entry: &Value) -> Value {
    let mut entry = entry.clone();
    if let Some(map) = entry.as_object_mut() {
        for member in ["n", "e", "x", "y"] {
            map.remove(member);
        }
    }
    entry
}

/// The DER certificates of the seeds' `x5c` members.
fn certificates(seeds: &[String]) -> Vec<Vec<u8>> {
    let mut found = Vec::new();
    for seed in seeds {
        let value: Value = serde_json::from_str(seed).expect("seeds are JSON");
        for key in value["keys"].as_array().into_iter().flatten() {
            if let Some(text) = key["x5c"][0].as_str() {
                found.push(STANDARD.decode(text).expect("seed certificates are base64"));
            }
        }
    }
    assert!(found.len() > 10, "the real certificates are the seeds");
    found
}

/// A real certificate with a few bytes changed, cut, repeated or inserted,
/// straight to the certificate reader and the key checks.
fn check_certificate(rng: &mut Rng, certificates: &[Vec<u8>]) {
    let mut der = rng.pick(certificates).clone();
    for _ in 0..=rng.below(3) {
        let at = rng.below(der.len() + 1);
        match rng.below(4) {
            0 => {
                let random = rng.next() as u8;
                let value = *rng.pick(&[0x00, 0x80, 0x81, 0x84, 0xff, random]);
                if let Some(b) = der.get_mut(at) {
                    *b = value;
                }
            }
            1 => der.truncate(at),
            2 => {
                let end = (at + rng.below(32)).min(der.len());
                der.drain(at..end);
            }
            _ => {
                let random: Vec<u8> = (0..rng.below(8)).map(|_| rng.next() as u8).collect();
                der.splice(at..at, random);
            }
        }
    }
    if let Ok(spki) = x509::certificate_spki(&der)
        && let Ok(material) = x509::spki_material(&spki)
    {
        let _ = spki_pem(&material);
    }
}

/// Raw key material, straight to the validators and the PEM encoder.
fn check_material(rng: &mut Rng, bytes: &[u8]) {
    let slice = |rng: &mut Rng| -> Vec<u8> {
        let from = rng.below(bytes.len());
        let end = (from + rng.below(140)).min(bytes.len());
        bytes[from..end].to_vec()
    };
    let material = match rng.below(5) {
        0 => KeyMaterial::Rsa {
            n: slice(rng),
            e: slice(rng),
        },
        1 => KeyMaterial::Ec {
            curve: *rng.pick(&[
                EcCurve::P256,
                EcCurve::P384,
                EcCurve::P521,
                EcCurve::Secp256k1,
            ]),
            x: slice(rng),
            y: slice(rng),
        },
        2 => KeyMaterial::Okp {
            curve: *rng.pick(&[OkpCurve::Ed25519, OkpCurve::Ed448, OkpCurve::X25519]),
            x: slice(rng),
        },
        3 => {
            let mut x = [0u8; ed448::PUBLIC_KEY_LEN];
            x.iter_mut().for_each(|b| *b = rng.next() as u8);
            let _ = ed448::is_valid_public_key(&x);
            return;
        }
        _ => {
            let _ = decode_b64url(&String::from_utf8_lossy(&slice(rng)));
            return;
        }
    };
    let _ = spki_pem(&material);
}

fn count(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

#[test]
fn documents_and_key_material_never_panic() {
    let seeds = seeds();
    let certificates = certificates(&seeds);
    let inputs = count("FUZZ_INPUTS", 5_000);
    let mut rng = Rng(count("FUZZ_SEED", 0x9e37_79b9_7f4a_7c15).max(1));
    let started = Instant::now();
    let mut panics = Vec::new();
    for i in 0..inputs {
        let bytes = mutate(&mut rng, &seeds);
        let mut material_rng = Rng(rng.next() | 1);
        let result = catch_unwind(AssertUnwindSafe(|| {
            check_document(&bytes);
            check_material(&mut material_rng, &bytes);
            check_certificate(&mut material_rng, &certificates);
        }));
        if result.is_err() {
            panics.push((i, String::from_utf8_lossy(&bytes).into_owned()));
        }
        if (i + 1) % 1_000_000 == 0 {
            eprintln!(
                "fuzz: {} inputs, {} panics, {:.0} inputs/s",
                i + 1,
                panics.len(),
                (i + 1) as f64 / started.elapsed().as_secs_f64()
            );
        }
    }
    eprintln!(
        "fuzz: {inputs} inputs in {:.1} s, {} panics",
        started.elapsed().as_secs_f64(),
        panics.len()
    );
    assert!(panics.is_empty(), "panicking inputs: {:?}", panics.first());
}

/// Raw HTTP responses made of a status line, odd headers and a mutated body.
fn response(rng: &mut Rng, body: &[u8]) -> Vec<u8> {
    let status = *rng.pick(&[
        "200 OK",
        "200 ",
        "204 No Content",
        "301 Moved",
        "404 Not Found",
        "500 x",
    ]);
    let mut head = format!("HTTP/1.1 {status}\r\n");
    match rng.below(6) {
        0 => head.push_str(&format!("Content-Length: {}\r\n", body.len())),
        1 => head.push_str(&format!(
            "Content-Length: {}\r\n",
            rng.below(body.len() + 10)
        )),
        2 => head.push_str("Transfer-Encoding: chunked\r\n"),
        3 => head.push_str("Content-Length: 5\r\nContent-Length: 7\r\n"),
        4 => head.push_str("Content-Encoding: gzip\r\n"),
        _ => {}
    }
    head.push_str("Connection: close\r\n\r\n");
    let mut raw = head.into_bytes();
    if raw.windows(7).any(|w| w == b"chunked") {
        raw.extend_from_slice(format!("{:x}\r\n", body.len()).as_bytes());
        raw.extend_from_slice(body);
        raw.extend_from_slice(b"\r\n0\r\n\r\n");
    } else {
        raw.extend_from_slice(body);
    }
    // Now and then, damage the head itself.
    if rng.below(4) == 0 {
        let at = rng.below(raw.len().min(64));
        raw[at] = rng.next() as u8;
    }
    raw
}

#[test]
fn the_http_response_path_never_panics() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    let seeds = seeds();
    let inputs = count("FUZZ_HTTP_INPUTS", 300);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("listener");
        let port = listener.local_addr().expect("address").port();
        let (tx, mut rx) = tokio::sync::mpsc::channel::<Vec<u8>>(1);
        tokio::spawn(async move {
            while let Some(raw) = rx.recv().await {
                let Ok((mut socket, _)) = listener.accept().await else {
                    return;
                };
                let mut request = [0u8; 4096];
                let _ = socket.read(&mut request).await;
                let _ = socket.write_all(&raw).await;
                let _ = socket.shutdown().await;
            }
        });
        let source = HttpSource::new(HttpSettings {
            target: Target {
                https: false,
                host: "127.0.0.1".to_owned(),
                port,
                path: "/jwks".to_owned(),
                host_header: format!("127.0.0.1:{port}"),
            },
            headers: Vec::new(),
            timeout: Some(Duration::from_secs(5)),
            max_response_bytes: 64 * 1024,
            max_header_size: head_limit::NODE_DEFAULT,
            tls: None,
            proxy: None,
        });
        let mut rng = Rng(count("FUZZ_SEED", 0x1234_5678_9abc_def1).max(1));
        let mut answered = 0;
        for _ in 0..inputs {
            let body = mutate(&mut rng, &seeds);
            let raw = response(&mut rng, &body);
            tx.send(raw).await.expect("server");
            let fetched = tokio::spawn(source.fetch()).await;
            let document = fetched.expect("the fetch must not panic");
            if let Ok(document) = document {
                check_document(document.body.as_bytes());
                answered += 1;
            }
        }
        eprintln!("fuzz: {inputs} HTTP responses, {answered} with a body, 0 panics");
    });
}
