use super::*;

const MIN: Millis = DEFAULT_MIN_CACHE_AGE_MS;
const MAX: Millis = 600_000;
const BOUNDS: Bounds = Bounds {
    min: MIN,
    max: Some(MAX),
};
const NOW: Millis = 1_796_025_600_000; // Mon, 30 Nov 2026 08:00:00 GMT

fn cache_control(value: &str) -> CacheHeaders {
    CacheHeaders {
        cache_control: Some(value.to_owned()),
        ..CacheHeaders::default()
    }
}

fn life(headers: &CacheHeaders) -> Option<Millis> {
    lifetime(headers, NOW, BOUNDS)
}

#[test]
fn max_age_within_the_bounds_is_the_lifetime() {
    assert_eq!(life(&cache_control("max-age=120")), Some(120_000));
    assert_eq!(
        life(&cache_control("public, max-age=300, must-revalidate")),
        Some(300_000)
    );
    assert_eq!(life(&cache_control("MAX-AGE=60")), Some(60_000));
    assert_eq!(life(&cache_control("max-age=\"90\"")), Some(90_000));
}

#[test]
fn max_age_is_clamped_to_min_and_max() {
    assert_eq!(life(&cache_control("max-age=0")), Some(MIN));
    assert_eq!(life(&cache_control("max-age=1")), Some(MIN));
    assert_eq!(life(&cache_control("max-age=31536000")), Some(MAX));
    assert_eq!(
        life(&cache_control("max-age=99999999999999999999999999")),
        Some(MAX)
    );
}

#[test]
fn negative_or_non_numeric_max_age_is_ignored() {
    for value in [
        "max-age=-1",
        "max-age=abc",
        "max-age=",
        "max-age",
        "max-age=1.5",
        "max-age=1e3",
    ] {
        assert_eq!(life(&cache_control(value)), None, "{value}");
    }
}

#[test]
fn the_first_valid_max_age_counts() {
    assert_eq!(
        life(&cache_control("max-age=60, max-age=500")),
        Some(60_000)
    );
    assert_eq!(
        life(&cache_control("max-age=abc, max-age=120")),
        Some(120_000)
    );
}

#[test]
fn no_store_and_no_cache_mean_revalidate_at_the_shortest_lifetime() {
    for value in [
        "no-store",
        "no-cache",
        "No-Cache, max-age=600",
        "max-age=600, no-store",
        "no-cache=\"Set-Cookie\"",
    ] {
        assert_eq!(life(&cache_control(value)), Some(MIN), "{value}");
    }
}

#[test]
fn commas_inside_quoted_strings_do_not_split_directives() {
    assert_eq!(
        life(&cache_control("private=\"a, max-age=1\", max-age=200")),
        Some(200_000)
    );
}

#[test]
fn expires_counts_from_date() {
    let headers = CacheHeaders {
        expires: Some("Mon, 30 Nov 2026 08:05:00 GMT".into()),
        date: Some("Mon, 30 Nov 2026 08:03:00 GMT".into()),
        ..CacheHeaders::default()
    };
    assert_eq!(life(&headers), Some(120_000));
}

#[test]
fn expires_without_a_readable_date_counts_from_now() {
    for date in [None, Some("garbage")] {
        let headers = CacheHeaders {
            expires: Some("Mon, 30 Nov 2026 08:04:00 GMT".into()),
            date: date.map(str::to_owned),
            ..CacheHeaders::default()
        };
        assert_eq!(life(&headers), Some(240_000), "{date:?}");
    }
}

#[test]
fn an_invalid_or_past_expires_is_already_expired() {
    for expires in ["0", "-1", "never", "Thu, 01 Jan 1970 00:00:00 GMT"] {
        let headers = CacheHeaders {
            expires: Some(expires.into()),
            ..CacheHeaders::default()
        };
        assert_eq!(life(&headers), Some(MIN), "{expires}");
    }
}

#[test]
fn max_age_wins_over_expires() {
    let headers = CacheHeaders {
        cache_control: Some("max-age=100".into()),
        expires: Some("Mon, 30 Nov 2026 08:05:00 GMT".into()),
        ..CacheHeaders::default()
    };
    assert_eq!(life(&headers), Some(100_000));
}

#[test]
fn age_is_subtracted() {
    let headers = CacheHeaders {
        cache_control: Some("max-age=300".into()),
        age: Some("120".into()),
        ..CacheHeaders::default()
    };
    assert_eq!(life(&headers), Some(180_000));
    let bad_age = CacheHeaders {
        age: Some("-5".into()),
        ..headers
    };
    assert_eq!(life(&bad_age), Some(300_000));
}

#[test]
fn no_caching_headers_leave_the_configured_lifetime() {
    assert_eq!(life(&CacheHeaders::default()), None);
    assert_eq!(life(&cache_control("public")), None);
    assert_eq!(life(&cache_control("")), None);
}

#[test]
fn cache_max_age_wins_over_a_larger_min_cache_age() {
    let bounds = Bounds {
        min: 60_000,
        max: Some(10_000),
    };
    assert_eq!(
        lifetime(&cache_control("no-store"), NOW, bounds),
        Some(10_000)
    );
    assert_eq!(
        lifetime(&cache_control("max-age=5"), NOW, bounds),
        Some(10_000)
    );
}

#[test]
fn without_cache_max_age_only_the_minimum_bounds() {
    let bounds = Bounds {
        min: MIN,
        max: None,
    };
    assert_eq!(
        lifetime(&cache_control("max-age=31536000"), NOW, bounds),
        Some(31_536_000_000)
    );
}
