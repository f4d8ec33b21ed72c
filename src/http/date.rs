//! HTTP dates (RFC 9110 §5.6.7) as milliseconds since the Unix epoch, for
//! `Expires` and `Date`. All three formats a recipient must accept are read:
//! IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`), RFC 850
//! (`Sunday, 06-Nov-94 08:49:37 GMT`) and asctime (`Sun Nov  6 08:49:37 1994`).

use crate::Millis;

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// The instant `text` names, or `None` when it is not an HTTP date (or lies
/// before 1970).
pub fn parse(text: &str) -> Option<Millis> {
    let text = text.trim();
    let fields: Vec<&str> = text.split_ascii_whitespace().collect();
    let (day, month, year, time) = match fields.as_slice() {
        // IMF-fixdate: weekday, day month year time GMT
        [_, day, month, year, time, "GMT"] => (day_number(day)?, *month, number(year)?, *time),
        // RFC 850: weekday, dd-Mon-yy time GMT
        [_, date, time, "GMT"] => {
            let mut parts = date.split('-');
            let day = day_number(parts.next()?)?;
            let month = parts.next()?;
            let yy = number(parts.next()?)?;
            // RFC 9110: a two-digit year more than 50 years ahead is in the past century.
            let year = if yy < 70 { 2000 + yy } else { 1900 + yy };
            (day, month, year, *time)
        }
        // asctime: weekday month day time year
        [_, month, day, time, year] => (day_number(day)?, *month, number(year)?, *time),
        _ => return None,
    };
    let month = MONTHS.iter().position(|m| *m == month)? as u64 + 1;
    let seconds = time_of_day(time)?;
    let days = days_since_epoch(year, month, day)?;
    days.checked_mul(86_400)?
        .checked_add(seconds)?
        .checked_mul(1000)
}

fn number(text: &str) -> Option<u64> {
    (!text.is_empty() && text.len() <= 4 && text.bytes().all(|b| b.is_ascii_digit()))
        .then(|| text.parse().ok())
        .flatten()
}

fn day_number(text: &str) -> Option<u64> {
    number(text).filter(|d| (1..=31).contains(d))
}

fn time_of_day(text: &str) -> Option<u64> {
    let mut parts = text.split(':');
    let h = number(parts.next()?).filter(|h| *h < 24)?;
    let m = number(parts.next()?).filter(|m| *m < 60)?;
    // 60 allows a leap second.
    let s = number(parts.next()?).filter(|s| *s <= 60)?;
    parts.next().is_none().then_some(h * 3600 + m * 60 + s)
}

/// Days from 1970-01-01 to a civil date (Howard Hinnant's algorithm, for
/// years from 1970 on).
fn days_since_epoch(year: u64, month: u64, day: u64) -> Option<u64> {
    let y = if month <= 2 {
        year.checked_sub(1)?
    } else {
        year
    };
    let era = y / 400;
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    (era * 146_097 + doe).checked_sub(719_468)
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOV_6_1994: Millis = 784_111_777_000;

    #[test]
    fn the_three_formats_name_the_same_instant() {
        assert_eq!(parse("Sun, 06 Nov 1994 08:49:37 GMT"), Some(NOV_6_1994));
        assert_eq!(parse("Sunday, 06-Nov-94 08:49:37 GMT"), Some(NOV_6_1994));
        assert_eq!(parse("Sun Nov  6 08:49:37 1994"), Some(NOV_6_1994));
    }

    #[test]
    fn dates_around_the_epoch_and_leap_days() {
        assert_eq!(parse("Thu, 01 Jan 1970 00:00:00 GMT"), Some(0));
        assert_eq!(
            parse("Tue, 29 Feb 2028 00:00:00 GMT"),
            Some(1_835_395_200_000)
        );
        assert_eq!(
            parse("Mon, 30 Nov 2026 08:00:00 GMT"),
            Some(1_796_025_600_000)
        );
    }

    #[test]
    fn anything_else_is_not_a_date() {
        for bad in [
            "0",
            "-1",
            "",
            "tomorrow",
            "Sun, 06 Nov 1994 08:49:37 PST",
            "Sun, 06 Nov 1994 25:49:37 GMT",
            "Sun, 32 Nov 1994 08:49:37 GMT",
            "Sun, 06 Foo 1994 08:49:37 GMT",
            "Sun, 06 Nov 99999 08:49:37 GMT",
            "Wed, 31 Dec 1969 23:59:59 GMT",
            "Sun, 06 Nov 1994 08:49 GMT",
        ] {
            assert_eq!(parse(bad), None, "{bad:?}");
        }
    }
}
