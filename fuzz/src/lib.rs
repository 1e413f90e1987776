//! What the fuzz targets share: scratch files for parsers that read paths, the demo inputs,
//! and the text form of a request in the `replay_key` corpus.

use std::path::{Component, Path, PathBuf};
use std::sync::OnceLock;

use rds_evidence_controls::{Attestations, Profile};
use rds_evidence_inventory::Snapshot;
use rds_evidence_wire::RequestParts;

/// The recorded demo account's snapshot, as the controls' tests use it.
pub const DEMO_SNAPSHOT: &str = include_str!("../../fixtures/emulator-demo-snapshot.json");

/// A directory for this process's scratch files, under `$TMPDIR` (`make fuzz-smoke` points
/// that at a directory it removes afterwards). Created once, so an iteration costs a file
/// write rather than a directory.
pub fn scratch_dir() -> &'static Path {
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    DIR.get_or_init(|| {
        tempfile::Builder::new()
            .prefix("rds-evidence-fuzz-")
            .tempdir()
            .expect("a scratch directory")
    })
    .path()
}

/// Writes `bytes` to `dir/name`, replacing what was there.
pub fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).expect("a scratch file");
    path
}

pub fn demo_snapshot() -> &'static Snapshot {
    static SNAPSHOT: OnceLock<Snapshot> = OnceLock::new();
    SNAPSHOT.get_or_init(|| serde_json::from_str(DEMO_SNAPSHOT).expect("the demo snapshot"))
}

pub fn builtin_profile() -> &'static Profile {
    static PROFILE: OnceLock<Profile> = OnceLock::new();
    PROFILE.get_or_init(Profile::builtin)
}

/// Evaluates the demo snapshot: checks and verdicts must not panic on any valid profile or
/// attestations (thresholds and targets at their extremes included).
pub fn evaluate_demo(profile: &Profile, attestations: &Attestations) {
    let evaluation = rds_evidence_controls::evaluate(demo_snapshot(), profile, attestations);
    assert_eq!(evaluation.controls.len(), profile.controls.len());
    serde_json::to_vec(&evaluation).expect("an evaluation serialises");
}

/// A request in the text form of the `replay_key` corpus:
///
/// ```text
/// POST https://rds.us-east-1.amazonaws.com/
/// authorization: AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/rds/aws4_request, …
/// content-type: application/x-www-form-urlencoded
///
/// Action=DescribeDBInstances&Version=2014-10-31
/// ```
///
/// The request line, `name: value` headers, a blank line, and the body as raw bytes. The
/// pseudo-header `x-sdk-operation` is the operation the SDK names (the collector's
/// `SdkOperation`). `None` when the head is not UTF-8 or a line has no `:`.
pub fn parse_request(data: &[u8]) -> Option<RequestParts<'_>> {
    let (head, body) = match data.windows(2).position(|w| w == b"\n\n") {
        Some(i) => (&data[..i], &data[i + 2..]),
        None => (data, &[][..]),
    };
    let head = std::str::from_utf8(head).ok()?;
    let mut lines = head.split('\n');
    let (method, uri) = lines.next()?.split_once(' ')?;
    let mut request = RequestParts {
        method,
        uri,
        headers: Vec::new(),
        body,
        operation: None,
    };
    for line in lines {
        let (name, value) = line.split_once(':')?;
        let value = value.strip_prefix(' ').unwrap_or(value);
        if name.eq_ignore_ascii_case("x-sdk-operation") {
            request.operation = Some(value);
        } else {
            request.headers.push((name, value));
        }
    }
    Some(request)
}

/// Whether `path` is a plain relative path: only normal components, nothing that leaves the
/// directory it is joined to.
pub fn stays_inside(path: &Path) -> bool {
    path.components().count() > 0 && path.components().all(|c| matches!(c, Component::Normal(_)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_parse_from_text() {
        let request = parse_request(
            b"GET https://h/x?y=1\nAuthorization: A\nx-sdk-operation: s3:GetX\n\nbody\n\nmore",
        )
        .unwrap();
        assert_eq!((request.method, request.uri), ("GET", "https://h/x?y=1"));
        assert_eq!(request.headers, [("Authorization", "A")]);
        assert_eq!(request.operation, Some("s3:GetX"));
        assert_eq!(request.body, b"body\n\nmore");
    }

    #[test]
    fn paths_that_leave_are_seen() {
        assert!(stays_inside(Path::new("us-east-1/rds/X.json")));
        assert!(!stays_inside(Path::new("../rds/X.json")));
        assert!(!stays_inside(Path::new("/etc/passwd")));
        assert!(!stays_inside(Path::new("")));
    }
}
