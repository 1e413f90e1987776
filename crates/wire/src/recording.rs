//! What a recording holds on disk: the `recording.json` manifest and one [`Exchange`] per
//! distinct request.

use std::collections::BTreeMap;
use std::path::Path;

use rds_evidence_inventory::input;
use serde::{Deserialize, Serialize};

use crate::RequestKey;

pub const MANIFEST_FILE: &str = "recording.json";

/// `recording.json`: what a recording holds, so that replay needs no arguments but its path.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecordingManifest {
    pub tool_version: String,
    /// When the recorded collection started: a replay reports the account as it was then.
    pub recorded_at: String,
    /// Where account-level calls (identity, region list) were made.
    pub home_region: String,
    pub regions: Vec<String>,
    pub anonymized: bool,
}

impl RecordingManifest {
    pub fn read(dir: &Path) -> Result<RecordingManifest, String> {
        let path = dir.join(MANIFEST_FILE);
        let text = input::read_to_string(&path, input::limits::CONFIG).map_err(|e| {
            format!(
                "cannot read {}: {e} (is this a recording made with --record?)",
                path.display()
            )
        })?;
        serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))
    }
}

/// Whether `--record` may write into `dir`: new, empty, or an earlier recording (its
/// `recording.json` reads), whose files the new one replaces. A directory of anything else is
/// never written into.
pub fn check_recording_destination(dir: &Path) -> Result<(), String> {
    let refused = |why: String| {
        format!(
            "--record {}: {why}; nothing was recorded: choose a new or empty directory",
            dir.display()
        )
    };
    let mut entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(refused(e.to_string())),
    };
    if entries.next().is_none() || RecordingManifest::read(dir).is_ok() {
        return Ok(());
    }
    Err(refused(format!(
        "it holds files and is not a recording (no readable {MANIFEST_FILE})"
    )))
}

/// Whether a multi-account `--record` may write into `dir`: new, empty, or holding only
/// account directories that [`check_recording_destination`] accepts.
pub fn check_recordings_destination(dir: &Path) -> Result<(), String> {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(format!("--record {}: {e}", dir.display())),
    };
    for entry in entries {
        let entry = entry.map_err(|e| format!("--record {}: {e}", dir.display()))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.len() == 12 && name.bytes().all(|b| b.is_ascii_digit()) {
            check_recording_destination(&entry.path())?;
        } else {
            return Err(format!(
                "--record {}: {name} is not an account's recording; nothing was recorded: \
                 choose a new or empty directory",
                dir.display()
            ));
        }
    }
    Ok(())
}

/// One recorded request and its response, as stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Exchange {
    /// For hand-written exchanges: which documented response shape this follows.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    pub request: RequestKey,
    pub response: RecordedResponse,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecordedResponse {
    pub status: u16,
    /// Only the headers the SDK or the collector reads ([`KEPT_HEADERS`]).
    pub headers: BTreeMap<String, String>,
    /// XML and other text bodies, verbatim.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
    /// JSON bodies, parsed so that the file reads well; serialised again at replay.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub json: Option<serde_json::Value>,
    /// CBOR bodies in their JSON form (see [`crate::cbor`]); encoded again at replay.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cbor: Option<serde_json::Value>,
}

/// Response headers worth keeping: every one the SDK or the collector reads — content type
/// and protocol, request ids (S3's extended one too), the error type and the query-compatible
/// error code, the retry hint, and the region S3 names when a bucket lives elsewhere. The rest
/// (dates, connection, server) only adds noise.
pub const KEPT_HEADERS: &[&str] = &[
    "content-type",
    "smithy-protocol",
    "x-amz-bucket-region",
    "x-amz-id-2",
    "x-amz-request-id",
    "x-amz-retry-after",
    "x-amzn-errortype",
    "x-amzn-query-error",
    "x-amzn-requestid",
];

impl RecordedResponse {
    pub fn body_bytes(&self) -> Result<Vec<u8>, String> {
        Ok(match (&self.cbor, &self.json, &self.body) {
            (Some(cbor), _, _) => crate::cbor::from_json(cbor)?,
            (None, Some(json), _) => json.to_string().into_bytes(),
            (None, None, Some(text)) => text.clone().into_bytes(),
            (None, None, None) => Vec::new(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{RequestParts, WireRequest};
    use std::path::PathBuf;

    /// Every file of every recording under `fixtures/` is named by its own key: keying and
    /// naming are unchanged for real traffic (recorded by the emulator runs and hand-written).
    #[test]
    fn every_fixture_file_is_named_by_its_key() {
        // At run time: a shared target directory may hold this test built from another checkout.
        let fixtures = std::path::PathBuf::from(
            std::env::var_os("CARGO_MANIFEST_DIR")
                .unwrap_or_else(|| env!("CARGO_MANIFEST_DIR").into()),
        )
        .join("../../fixtures");
        let mut checked = 0;
        for recording in std::fs::read_dir(&fixtures).unwrap() {
            let recording = recording.unwrap().path();
            if !recording.join(MANIFEST_FILE).is_file() {
                continue;
            }
            RecordingManifest::read(&recording).unwrap();
            let mut pending = vec![recording.clone()];
            while let Some(dir) = pending.pop() {
                for entry in std::fs::read_dir(&dir).unwrap() {
                    let path = entry.unwrap().path();
                    if path.is_dir() {
                        pending.push(path);
                        continue;
                    }
                    // Besides the exchanges (JSON), a recording may carry other files: the demo
                    // its attestations and their documents.
                    if path.file_name() == Some(MANIFEST_FILE.as_ref())
                        || path.extension() != Some("json".as_ref())
                    {
                        continue;
                    }
                    let text = std::fs::read_to_string(&path).unwrap();
                    let exchange: Exchange = serde_json::from_str(&text)
                        .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
                    let relative: PathBuf = path.strip_prefix(&recording).unwrap().to_owned();
                    assert_eq!(exchange.request.relative_path(), relative);
                    exchange.response.body_bytes().unwrap();
                    checked += 1;
                }
            }
        }
        assert!(checked > 100, "only {checked} recorded exchanges found");
    }

    #[test]
    fn cbor_responses_encode_again() {
        let response = RecordedResponse {
            status: 200,
            headers: BTreeMap::new(),
            body: None,
            json: None,
            cbor: Some(serde_json::json!({"Period": 60})),
        };
        let bytes = response.body_bytes().unwrap();
        assert_eq!(
            crate::cbor::to_json(&bytes).unwrap(),
            serde_json::json!({"Period": 60})
        );
        // A request in parts keys like one from the SDK.
        let request = RequestParts {
            method: "POST",
            uri: "https://monitoring.us-east-1.amazonaws.com/service/GraniteServiceVersion20100801/operation/DescribeAlarms",
            headers: vec![
                ("Authorization", "AWS4-HMAC-SHA256 Credential=A/20260101/us-east-1/monitoring/aws4_request"),
                ("smithy-protocol", "rpc-v2-cbor"),
            ],
            body: &bytes,
            operation: None,
        };
        assert!(crate::is_cbor(|name| request.header(name)));
        let key = RequestKey::from_request(&request).unwrap();
        assert_eq!(key.operation, "DescribeAlarms");
        assert_eq!(key.params["Period"], "60");
    }
}
