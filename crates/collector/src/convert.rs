//! Small helpers for turning SDK values into the snapshot's owned, serialisable ones.

use aws_smithy_types::date_time::Format;
use aws_smithy_types::DateTime;

pub(crate) fn owned(value: Option<&str>) -> Option<String> {
    value.map(str::to_owned)
}

/// RFC 3339 in UTC to the second, as everywhere in the snapshot: one precision whatever the
/// protocol sent (KMS sends fractional epoch seconds), so that times compare as text.
pub(crate) fn time(value: Option<&DateTime>) -> Option<String> {
    value.and_then(|t| DateTime::from_secs(t.secs()).fmt(Format::DateTime).ok())
}

/// The current UTC time in the snapshot's format.
pub fn now() -> String {
    time(Some(&DateTime::from(std::time::SystemTime::now()))).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_whole_seconds_whatever_the_source_precision() {
        let kms_style = DateTime::from_fractional_secs(1_678_784_401, 0.902);
        assert_eq!(
            time(Some(&kms_style)).as_deref(),
            Some("2023-03-14T09:00:01Z")
        );
        assert_eq!(
            time(Some(&DateTime::from_secs(1_700_000_000))).as_deref(),
            Some("2023-11-14T22:13:20Z")
        );
    }
}
