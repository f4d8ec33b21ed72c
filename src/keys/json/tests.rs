use super::*;
use serde_json::json;

fn ok(text: &str) -> Value {
    parse(text).unwrap_or_else(|e| panic!("{text:?}: {e}"))
}

#[test]
fn ordinary_documents_read_as_serde_json_reads_them() {
    let docs = [
        r#"{"keys":[{"kty":"RSA","n":"AQAB","e":"AQAB","key_ops":["verify"]}]}"#,
        " \t\r\n{ \"a\" : [ 1 , -2.5e3 , true , false , null , \"x\\n\\u00e9\\ud83d\\ude00\" ] } ",
        "[]",
        "{}",
        "0",
        "-0",
        "\"\"",
        r#"{"a":1,"a":2}"#,
        "12345678901234567890",
        "1E5",
        "[[],{},[{}]]",
    ];
    for doc in docs {
        let expected: Value = serde_json::from_str(doc).expect("serde_json reads it");
        assert_eq!(ok(doc), expected, "{doc}");
    }
}

#[test]
fn what_json_parse_accepts_and_serde_json_does_not() {
    assert_eq!(ok("1e400"), json!(f64::MAX));
    assert_eq!(ok("-1e400"), json!(-f64::MAX));
    assert_eq!(ok("1e-400"), json!(0.0));
    assert_eq!(ok(r#"["\udc00"]"#), json!(["\u{fffd}"]));
    assert_eq!(ok(r#""a\ud800b""#), json!("a\u{fffd}b"));
    let deep = format!("{}{}", "[".repeat(200_000), "]".repeat(200_000));
    // BUILT_DEPTH levels are built; the next one is kept, empty.
    let mut expected = json!([]);
    for _ in 0..BUILT_DEPTH {
        expected = json!([expected]);
    }
    assert_eq!(ok(&deep), expected);
    let deep_objects = format!("{}1{}", r#"{"a":"#.repeat(100_000), "}".repeat(100_000));
    let mut expected = json!({});
    for _ in 0..BUILT_DEPTH {
        expected = json!({ "a": expected });
    }
    assert_eq!(ok(&deep_objects), expected);
}

#[test]
fn a_megabyte_of_brackets_is_an_error_not_a_stack_overflow() {
    let text = "[".repeat(1 << 20);
    assert_eq!(parse(&text).map_err(|e| e.offset), Err(1 << 20));
    let text = "{\"a\":".repeat(1 << 18);
    assert!(parse(&text).is_err());
}

#[test]
fn what_json_parse_refuses_is_refused() {
    let bad = [
        "",
        " ",
        "\u{feff}{}",
        "{",
        "[1,]",
        "{\"a\":1,}",
        "[01]",
        "[1.]",
        "[.5]",
        "[1e]",
        "[+1]",
        "[-]",
        "NaN",
        "Infinity",
        "'a'",
        "{a:1}",
        "{\"a\" 1}",
        "\"\u{1}\"",
        "\"tab\there\"",
        "\"\\x41\"",
        "\"\\u12G4\"",
        "\"open",
        "1 2",
        "[1 2]",
        "tru",
        "nul",
        "[true false]",
        "{\"a\":1 \"b\":2}",
        "\u{a0}1",
        "[1]x",
    ];
    for text in bad {
        assert!(parse(text).is_err(), "{text:?}");
        assert!(
            serde_json::from_str::<Value>(text).is_err(),
            "{text:?} is also refused by serde_json"
        );
    }
}

#[test]
fn the_real_key_sets_read_as_serde_json_reads_them() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/jwks");
    let mut seen = 0;
    for entry in std::fs::read_dir(&dir).expect("fixtures") {
        let path = entry.expect("entry").path();
        if path.extension().and_then(|e| e.to_str()) != Some("json") {
            continue;
        }
        let text = std::fs::read_to_string(&path).expect("readable");
        let expected: Value = serde_json::from_str(&text).expect("valid JSON");
        assert_eq!(ok(&text), expected, "{}", path.display());
        seen += 1;
    }
    assert!(seen > 0);
}

#[test]
fn a_string_run_ends_at_the_first_quote_backslash_or_control_byte() {
    let text = "0123456789abcdef".repeat(3);
    for stop in ["\"", "\\", "\n", "\u{1f}"] {
        for at in 0..text.len() {
            let mut bytes = text.clone().into_bytes();
            bytes[at] = stop.as_bytes()[0];
            for from in [0, at / 2, at] {
                assert_eq!(
                    string_run_end(&bytes, from),
                    at,
                    "{stop:?} at {at} from {from}"
                );
            }
        }
    }
    assert_eq!(string_run_end(text.as_bytes(), 3), text.len());
    assert_eq!(string_run_end("é~\u{7f}".as_bytes(), 0), 4);
    // Past the end there is no run: it ends where it starts.
    assert_eq!(string_run_end(b"ab", 5), 5);
}
