//! Small helpers for turning SDK values into the snapshot's owned, serialisable ones.

use aws_smithy_types::date_time::Format;
use aws_smithy_types::DateTime;

pub(crate) fn owned(value: Option<&str>) -> Option<String> {
    value.map(str::to_owned)
}

/// RFC 3339 in UTC, as everywhere in the snapshot.
pub(crate) fn time(value: Option<&DateTime>) -> Option<String> {
    value.and_then(|t| t.fmt(Format::DateTime).ok())
}

pub(crate) fn now() -> String {
    DateTime::from(std::time::SystemTime::now())
        .fmt(Format::DateTime)
        .unwrap_or_default()
}
