use super::*;
use crate::keys::json::{parse, parse_nested};
use serde_json::Value;

/// Entries as values, with the kid the skim should note for each.
type Entries = Vec<(Value, Option<String>)>;

/// What `parse` makes of `text`'s entries, as the skim should see them.
fn expected(text: &str) -> Option<Entries> {
    let Ok(Value::Object(root)) = parse(text) else {
        return None;
    };
    let Some(Value::Array(entries)) = root.get("keys") else {
        return None;
    };
    if entries.is_empty() {
        return None;
    }
    let kid = |e: &Value| e.get("kid").and_then(Value::as_str).map(str::to_owned);
    Some(entries.iter().map(|e| (e.clone(), kid(e))).collect())
}

/// The skim of `text` read back with `parse_nested`.
fn skimmed(text: &str, limit: usize) -> Option<(Entries, usize)> {
    let set = key_set(text, limit)?;
    let entries = set
        .entries
        .iter()
        .map(|e| {
            let raw = text.get(e.start..e.end).expect("an entry's span is whole");
            let value = parse_nested(raw, ENTRY_DEPTH).expect("an entry reads as JSON");
            (value, e.kid.as_deref().map(str::to_owned))
        })
        .collect();
    Some((entries, set.total))
}

/// The skim agrees with `parse` wherever it answers, and answers for the
/// ordinary shape.
fn agrees(text: &str) -> bool {
    let full = expected(text);
    match skimmed(text, usize::MAX) {
        Some((entries, total)) => {
            let full = full.unwrap_or_else(|| panic!("skim read what parse refuses: {text:?}"));
            assert_eq!(total, full.len(), "{text:?}");
            assert_eq!(entries, full, "{text:?}");
            true
        }
        None => false,
    }
}

#[test]
fn ordinary_sets_are_skimmed_as_parse_reads_them() {
    for doc in [
        r#"{"keys":[{"kty":"RSA","kid":"a","n":"AQAB","e":"AQAB"}]}"#,
        " {\n \"keys\" : [ { \"kid\" : \"a\" } , 1 , null , [ {\"kid\":\"x\"} ] , \"s\" , {} ] } \n",
        r#"{"keys":[{"kid":"a","kid":"b"},{"kid":"a","kid":7},{"kid":7,"kid":"c"}]}"#,
        r#"{"keys":[1],"keys":[{"kid":"second"}]}"#,
        r#"{"k\u0065ys":[{"k\u0069d":"\u00e9\ud800\n"}]}"#,
        r#"{"other":{"keys":[1]},"keys":[{"kid":"","x":[[[[[[[[{"kid":"deep"}]]]]]]]]}]}"#,
        r#"{"keys":[{"kid":"a"}],"z":[-0.5e-3,1E+2,true,false,null,"\/\b\f\r\t"]}"#,
    ] {
        assert!(agrees(doc), "not skimmed: {doc}");
    }
}

#[test]
fn other_shapes_and_bad_json_go_to_the_full_reader() {
    for doc in [
        "",
        "[]",
        "null",
        r#"{}"#,
        r#"{"keys":[]}"#,
        r#"{"keys":{}}"#,
        r#"{"keys":[1],"keys":{"length":1}}"#,
        r#"{"keys":[1]} x"#,
        r#"{"keys":[1,]}"#,
        r#"{"keys":[01]}"#,
        r#"{"keys":[1.]}"#,
        r#"{"keys":[-]}"#,
        r#"{"keys":[tru]}"#,
        r#"{"keys":["a\x"]}"#,
        "{\"keys\":[\"a\u{1}\"]}",
        r#"{"keys":["\u12"]}"#,
        r#"{"keys":[{"kid":"a",}]}"#,
        r#"{"keys":[{"kid" "a"}]}"#,
        r#"{"keys":[{"a":1]}"#,
        r#"{"keys":[[1}]}"#,
        r#"{"keys":[1]"#,
        r#"{"keys":["#,
    ] {
        assert!(!agrees(doc), "skimmed: {doc}");
    }
}

#[test]
fn only_the_first_entries_are_noted() {
    let (entries, total) = skimmed(r#"{"keys":[{"kid":"a"},2,3]}"#, 1).expect("skimmed");
    assert_eq!(total, 3);
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].1.as_deref(), Some("a"));
}

#[test]
fn deep_nesting_costs_no_stack() {
    let deep = format!(
        r#"{{"keys":[{{"kid":"k","x":{}1{}}}]}}"#,
        "[".repeat(1 << 20),
        "]".repeat(1 << 20)
    );
    assert!(agrees(&deep));
    let open = format!(r#"{{"keys":[{}"#, "[".repeat(1 << 20));
    assert!(!agrees(&open));
}

#[test]
fn mutations_of_a_set_never_skim_what_parse_refuses() {
    let doc = r#"{"keys":[{"kty":"RSA","kid":"a\u0041","n":"AQ","e":"AQAB","key_ops":["verify"]},{"kid":"b","x":[1,-2.5e3,true,null,{}]}],"more":"x"}"#;
    let bytes = doc.as_bytes();
    let alphabet = b"{}[]\",:\\u0e-+.a1 tfn";
    let mut seen = 0;
    for at in 0..bytes.len() {
        for &with in alphabet {
            let mut changed = bytes.to_vec();
            changed[at] = with;
            let mut removed = bytes.to_vec();
            removed.remove(at);
            let mut inserted = bytes.to_vec();
            inserted.insert(at, with);
            for text in [changed, removed, inserted] {
                if let Ok(text) = String::from_utf8(text) {
                    seen += usize::from(agrees(&text));
                }
            }
        }
    }
    assert!(seen > 0);
}
