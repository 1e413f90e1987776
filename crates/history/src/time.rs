//! Run times: RFC 3339 as snapshots write them, and the compact UTC stamp
//! (`YYYYMMDDTHHMMSSZ`) that names a run's directory in the store, sorts as text, and needs no
//! quoting in a shell or a URL.

/// The UTC stamp of an RFC 3339 time (`2026-11-29T02:56:58Z`, `…58.123Z`, `…58+01:00`).
pub(crate) fn stamp(rfc3339: &str) -> Option<String> {
    let seconds = epoch_seconds(rfc3339)?;
    let (days, second_of_day) = (seconds.div_euclid(86_400), seconds.rem_euclid(86_400));
    let (year, month, day) = civil_from_days(days);
    if !(0..=9999).contains(&year) {
        return None;
    }
    Some(format!(
        "{year:04}{month:02}{day:02}T{:02}{:02}{:02}Z",
        second_of_day / 3600,
        second_of_day % 3600 / 60,
        second_of_day % 60
    ))
}

/// Whether `text` is a stamp as [`stamp`] writes it.
pub(crate) fn is_stamp(text: &str) -> bool {
    text.len() == 16 && stamp(&rfc3339(text)).as_deref() == Some(text)
}

/// The name of a run's directory: its stamp, then `-2`, `-3`… for later runs of the account
/// observed at the same second (a recording replayed twice), so that none replaces another.
pub(crate) fn run_name(stamp: &str, sequence: u32) -> String {
    if sequence <= 1 {
        stamp.to_owned()
    } else {
        format!("{stamp}-{sequence}")
    }
}

/// `(stamp, sequence)` of a name [`run_name`] writes.
pub(crate) fn parse_run_name(name: &str) -> Option<(&str, u32)> {
    let (stamp, sequence) = match name.split_once('-') {
        Some((stamp, sequence)) => (stamp, sequence.parse().ok()?),
        None => (name, 1),
    };
    (is_stamp(stamp) && run_name(stamp, sequence) == name).then_some((stamp, sequence))
}

/// The RFC 3339 form of a stamp: reading it back is how a stamp is checked.
pub(crate) fn rfc3339(stamp: &str) -> String {
    match (
        stamp.get(0..4),
        stamp.get(4..6),
        stamp.get(6..8),
        stamp.get(8..9),
        stamp.get(9..11),
        stamp.get(11..13),
        stamp.get(13..15),
        stamp.get(15..),
    ) {
        (Some(y), Some(mo), Some(d), Some("T"), Some(h), Some(mi), Some(s), Some("Z")) => {
            format!("{y}-{mo}-{d}T{h}:{mi}:{s}Z")
        }
        _ => stamp.to_owned(),
    }
}

fn epoch_seconds(text: &str) -> Option<i64> {
    let (date, time) = text.split_once(['T', 't', ' '])?;
    let mut date_parts = date.split('-');
    let year = digits(date_parts.next()?, 4)?;
    let month = digits(date_parts.next()?, 2)?;
    let day = digits(date_parts.next()?, 2)?;
    if date_parts.next().is_some() {
        return None;
    }
    let (clock, offset) = split_offset(time)?;
    let clock = clock.split_once('.').map_or(clock, |(whole, fraction)| {
        if !fraction.is_empty() && fraction.bytes().all(|b| b.is_ascii_digit()) {
            whole
        } else {
            "invalid"
        }
    });
    let mut clock_parts = clock.split(':');
    let hour = digits(clock_parts.next()?, 2)?;
    let minute = digits(clock_parts.next()?, 2)?;
    let second = digits(clock_parts.next()?, 2)?;
    if clock_parts.next().is_some()
        || !(1..=12).contains(&month)
        || !(1..=days_in_month(year, month)).contains(&day)
        || hour > 23
        || minute > 59
        || second > 60
    {
        return None;
    }
    Some(days_from_civil(year, month, day) * 86_400 + hour * 3600 + minute * 60 + second - offset)
}

/// `(clock, offset in seconds)` from `HH:MM:SS[.f](Z|±HH:MM)`.
fn split_offset(time: &str) -> Option<(&str, i64)> {
    if let Some(clock) = time.strip_suffix(['Z', 'z']) {
        return Some((clock, 0));
    }
    let at = time.rfind(['+', '-'])?;
    let (clock, offset) = time.split_at(at);
    let sign = if offset.starts_with('-') { -1 } else { 1 };
    let (hours, minutes) = offset[1..].split_once(':')?;
    let (hours, minutes) = (digits(hours, 2)?, digits(minutes, 2)?);
    if hours > 23 || minutes > 59 {
        return None;
    }
    Some((clock, sign * (hours * 3600 + minutes * 60)))
}

fn digits(text: &str, len: usize) -> Option<i64> {
    (text.len() == len && text.bytes().all(|b| b.is_ascii_digit()))
        .then(|| text.parse().ok())
        .flatten()
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01, after Howard Hinnant's `days_from_civil`.
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * ((month + 9) % 12) + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The inverse, after Hinnant's `civil_from_days`.
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stamps_are_utc() {
        assert_eq!(
            stamp("2026-11-29T02:56:58Z").as_deref(),
            Some("20261129T025658Z")
        );
        assert_eq!(
            stamp("2026-11-29T02:56:58.123456Z").as_deref(),
            Some("20261129T025658Z")
        );
        assert_eq!(
            stamp("2026-11-29T01:30:00-02:00").as_deref(),
            Some("20261129T033000Z")
        );
        assert_eq!(
            stamp("2024-03-01T00:30:00+01:00").as_deref(),
            Some("20240229T233000Z"),
            "across a leap day"
        );
    }

    #[test]
    fn nonsense_is_refused() {
        for bad in [
            "",
            "yesterday",
            "2026-11-29",
            "2026-13-01T00:00:00Z",
            "2026-02-30T00:00:00Z",
            "2026-11-29T24:00:00Z",
            "2026-11-29T00:00:00",
            "2026-11-29T00:00:00.Z",
            "2026-11-29T00:00:00+2:00",
            "+2026-11-29T00:00:00Z",
        ] {
            assert_eq!(stamp(bad), None, "{bad}");
        }
    }

    #[test]
    fn stamps_read_back() {
        assert_eq!(rfc3339("20261129T025658Z"), "2026-11-29T02:56:58Z");
        assert!(is_stamp("20261129T025658Z"));
        for bad in ["20261129T025658", "2026-11-29", "20261329T025658Z", "x"] {
            assert!(!is_stamp(bad), "{bad}");
        }
    }

    #[test]
    fn run_names_count_runs_of_the_same_second() {
        assert_eq!(run_name("20261129T025658Z", 1), "20261129T025658Z");
        assert_eq!(run_name("20261129T025658Z", 3), "20261129T025658Z-3");
        assert_eq!(
            parse_run_name("20261129T025658Z-3"),
            Some(("20261129T025658Z", 3))
        );
        assert_eq!(
            parse_run_name("20261129T025658Z"),
            Some(("20261129T025658Z", 1))
        );
        for bad in [
            "20261129T025658Z-1",
            "20261129T025658Z-03",
            "20261129T025658Z-",
            "20261129T025658Z-x",
            "2026-11-29",
        ] {
            assert_eq!(parse_run_name(bad), None, "{bad}");
        }
    }

    #[test]
    fn every_day_of_four_centuries_round_trips() {
        for days in (-200_000..200_000).step_by(97) {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
    }
}
