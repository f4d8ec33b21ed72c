use super::*;
use serde_json::json;

fn rsa(kid: Option<&str>) -> Value {
    let n = format!("{}{}", "w".repeat(84), "BQ");
    let mut key = json!({ "kty": "RSA", "n": n, "e": "AQAB" });
    if let (Some(kid), Some(map)) = (kid, key.as_object_mut()) {
        map.insert("kid".into(), json!(kid));
    }
    key
}

fn message(err: Error) -> String {
    err.to_string()
}

#[test]
fn empty_or_missing_keys_is_no_keys() {
    for body in [
        json!({}),
        json!({ "keys": [] }),
        json!({ "keys": {} }),
        json!({ "keys": { "length": 0 } }),
        json!({ "keys": "" }),
        json!({ "keys": 7 }),
        json!({ "keys": null }),
        json!([]),
        json!("keys"),
        json!(true),
    ] {
        assert_eq!(
            KeySet::from_json(&body).map(|_| ()).map_err(message),
            Err(NO_KEYS.to_owned())
        );
    }
}

#[test]
fn shapes_jwks_rsa_reads_as_type_errors() {
    let null = KeySet::from_json(&json!(null)).map(|_| ());
    assert_eq!(
        null,
        Err(Error::TypeError {
            message: NULL_BODY,
            endpoint_unavailable: true,
        })
    );
    assert!(null.is_err_and(|e| e.is_endpoint_unavailable() && e.class_name() == "TypeError"));
    for body in [
        json!({ "keys": "abc" }),
        json!({ "keys": { "length": 2 } }),
        json!({ "keys": { "length": "0" } }),
    ] {
        let err = KeySet::from_json(&body).map(|_| ());
        assert_eq!(
            err,
            Err(Error::TypeError {
                message: KEYS_NOT_ARRAY,
                endpoint_unavailable: false,
            }),
            "{body}"
        );
    }
}

#[test]
fn entries_past_the_bound_are_not_read() {
    let mut entries = vec![json!(1); MAX_KEYS_PER_SET - 1];
    entries.push(rsa(Some("last-read")));
    entries.push(rsa(Some("past-the-bound")));
    entries.push(json!(null));
    let set = KeySet::from_entries(&entries).expect("one key read");
    assert_eq!(set.keys().len(), 1);
    assert!(set.find("past-the-bound").is_none());
    let last = set.skipped().last().expect("a summary");
    assert_eq!(last.index, MAX_KEYS_PER_SET);
    assert_eq!(last.reason, SkipReason::OverLimit { ignored: 2 });
    assert_eq!(set.skipped().len(), MAX_KEYS_PER_SET);
}

#[test]
fn only_skipped_keys_is_no_signing_keys() {
    let body = json!({ "keys": [{ "kty": "oct", "k": "AA" }, 1, null] });
    let err = KeySet::from_json(&body).map(|_| ()).map_err(message);
    assert_eq!(err, Err(NO_SIGNING_KEYS.to_owned()));
}

#[test]
fn selection_follows_jwks_rsa() {
    let set = KeySet::from_json(&json!({ "keys": [rsa(Some("a")), rsa(Some("b")), rsa(None)] }))
        .expect("three keys");
    assert_eq!(set.keys().len(), 3);
    let b = set.select(&KidQuery::Kid("b".into())).expect("b");
    assert_eq!(b.kid.as_deref(), Some("b"));
    let none = set.select(&KidQuery::Absent).map_err(message);
    assert_eq!(none.err(), Some(NO_KID_MANY_KEYS.to_owned()));
    let missing = set.select(&KidQuery::Kid("zz".into())).map_err(message);
    assert_eq!(
        missing.err().as_deref(),
        Some("Unable to find a signing key that matches 'zz'")
    );
    let number = set
        .select(&KidQuery::Unmatchable("123".into()))
        .map_err(message);
    assert_eq!(
        number.err().as_deref(),
        Some("Unable to find a signing key that matches '123'")
    );
}

#[test]
fn a_single_key_answers_a_lookup_without_kid() {
    let set = KeySet::from_json(&json!({ "keys": [rsa(None)] })).expect("one key");
    assert!(set.select(&KidQuery::Absent).is_ok());
}

#[test]
fn skipped_keys_are_reported_with_reasons() {
    let body = json!({ "keys": [rsa(Some("ok")), { "kty": "RSA", "kid": "bad", "n": "AA", "e": "AQAB" }] });
    let set = KeySet::from_json(&body).expect("one usable key");
    assert_eq!(set.skipped().len(), 1);
    assert_eq!(set.skipped()[0].kid.as_deref(), Some("bad"));
    assert_eq!(set.skipped()[0].reason, SkipReason::InvalidModulus);
}

/// An RSA JWK that passes the member checks but whose modulus is no key.
fn broken(kid: &str) -> Value {
    json!({ "kty": "RSA", "kid": kid, "n": "AA", "e": "AQAB" })
}

fn kids(keys: &[Arc<SigningKey>]) -> Vec<Option<&str>> {
    keys.iter().map(|k| k.kid.as_deref()).collect()
}

#[test]
fn a_lookup_converts_the_key_asked_for_and_the_first() {
    let body = json!({ "keys": [rsa(Some("a")), rsa(Some("b")), rsa(Some("c"))] });
    let set = KeySet::from_json(&body).expect("three keys");
    let resolved =
        |set: &KeySet| -> Vec<bool> { set.entries.iter().map(Entry::is_resolved).collect() };
    // Reading the set proves it has a usable key: its first.
    assert_eq!(resolved(&set), [true, false, false]);
    assert!(set.find("c").is_some());
    assert_eq!(resolved(&set), [true, false, true]);
    assert_eq!(set.keys().len(), 3);
    assert_eq!(resolved(&set), [true, true, true]);
}

#[test]
fn a_key_that_makes_no_key_is_not_found_nor_listed() {
    let body = json!({ "keys": [broken("bad"), rsa(Some("good")), 7] });
    let set = KeySet::from_json(&body).expect("one usable key");
    assert!(set.find("bad").is_none());
    let err = set.select(&KidQuery::Kid("bad".into())).map_err(message);
    assert_eq!(
        err.err().as_deref(),
        Some("Unable to find a signing key that matches 'bad'")
    );
    assert_eq!(kids(set.keys()), [Some("good")]);
    let skipped: Vec<(usize, Option<&str>, &SkipReason)> = set
        .skipped()
        .iter()
        .map(|s| (s.index, s.kid.as_deref(), &s.reason))
        .collect();
    assert_eq!(
        skipped,
        [
            (0, Some("bad"), &SkipReason::InvalidModulus),
            (2, None, &SkipReason::NotAnObject),
        ]
    );
}

#[test]
fn a_kid_names_its_first_key_that_makes_a_key() {
    let mut second = rsa(Some("dup"));
    second["alg"] = json!("RS384");
    let body = json!({ "keys": [broken("dup"), second, rsa(Some("dup"))] });
    let set = KeySet::from_json(&body).expect("two usable keys");
    let found = set.find("dup").expect("a key");
    assert_eq!(found.alg.as_deref(), Some("RS384"));
}

#[test]
fn a_lookup_without_kid_counts_usable_keys_only() {
    let set = KeySet::from_json(&json!({ "keys": [broken("x"), rsa(Some("only"))] }))
        .expect("one usable key");
    let only = set.select(&KidQuery::Absent).expect("the only usable key");
    assert_eq!(only.kid.as_deref(), Some("only"));
    let two = KeySet::from_json(&json!({ "keys": [broken("x"), rsa(None), rsa(None)] }))
        .expect("two usable keys");
    let err = two.select(&KidQuery::Absent).map_err(message);
    assert_eq!(err.err(), Some(NO_KID_MANY_KEYS.to_owned()));
}

#[test]
fn a_set_whose_keys_all_make_no_key_has_no_signing_keys() {
    let body = json!({ "keys": [broken("a"), broken("b"), { "kty": "oct" }] });
    let err = KeySet::from_json(&body).map(|_| ()).map_err(message);
    assert_eq!(err, Err(NO_SIGNING_KEYS.to_owned()));
}

#[test]
fn an_empty_kid_is_reported_but_names_no_key() {
    let set =
        KeySet::from_json(&json!({ "keys": [broken(""), rsa(Some(""))] })).expect("one usable key");
    assert!(set.find("").is_none());
    assert_eq!(kids(set.keys()), [None]);
    assert_eq!(set.skipped()[0].kid.as_deref(), Some(""));
}

#[test]
fn threads_asking_at_once_get_the_same_key() {
    let kids: Vec<String> = (0..16).map(|i| format!("k{i}")).collect();
    let entries: Vec<Value> = kids.iter().map(|k| rsa(Some(k))).collect();
    let set = Arc::new(KeySet::from_entries(&entries).expect("sixteen keys"));
    let found: Vec<Vec<Arc<SigningKey>>> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..4)
            .map(|_| {
                let (set, kids) = (Arc::clone(&set), &kids);
                scope.spawn(move || {
                    kids.iter()
                        .rev()
                        .filter_map(|k| set.find(k).cloned())
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles.into_iter().filter_map(|h| h.join().ok()).collect()
    });
    assert_eq!(found.len(), 4);
    for keys in &found {
        assert_eq!(keys.len(), 16);
        for (key, first) in keys.iter().zip(&found[0]) {
            assert!(Arc::ptr_eq(key, first));
        }
    }
}

#[test]
fn keys_sharing_a_kid_are_picked_by_alg() {
    use crate::keys::alg_fit::KeyFamily;
    let ec = json!({
        "kty": "EC", "crv": "P-256", "kid": "a",
        "x": "MKBCTNIcKUSDii11ySs3526iDZ8AiTo7Tu6KPAqv7D4",
        "y": "4Etl6SRW2YiLUrN5vfvVHuhp7x8PxltmWWlbbM4IFyM",
    });
    let mut rs256 = rsa(Some("a"));
    rs256["alg"] = json!("RS256");
    let set =
        KeySet::from_json(&json!({ "keys": [rs256, ec, rsa(Some("b"))] })).expect("three keys");
    let first = set.select(&KidQuery::Kid("a".into())).expect("a");
    assert_eq!(
        first.family,
        KeyFamily::Rsa,
        "by kid alone, the first key, as in jwks-rsa"
    );
    let es = set.find_for_alg("a", "ES256").expect("the EC key of kid a");
    assert!(matches!(es.family, KeyFamily::Ec(_)));
    assert!(Arc::ptr_eq(
        set.find_for_alg("a", "RS256").expect("itself"),
        first
    ));
    assert!(
        set.find_for_alg("a", "PS256").is_none(),
        "the RSA key declares RS256"
    );
    assert!(set.find_for_alg("a", "ES384").is_none());
    assert!(set.find_for_alg("b", "PS256").is_some());
}
