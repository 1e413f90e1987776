//! Recording AWS traffic to files and replaying it offline.
//!
//! A recording is a directory with one JSON file per distinct request
//! (`<region>/<service>/<Operation>[-<parameters>-<hash>].json`, see [`RequestKey`]) and a
//! `recording.json` manifest. Replay finds the file for each request by its key, not by the
//! order of calls, so a concurrent collector replays deterministically.

mod cbor;
mod key;
mod record;
mod replay;
mod scrub;
mod wire_error;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

pub(crate) use cbor::to_json as cbor_to_json;
pub use key::RequestKey;
pub(crate) use key::SdkOperation;
pub(crate) use record::{Recorder, RecordingClient};
pub(crate) use replay::{ReplayClient, Replayer};
pub use scrub::{placeholder, scrub_secrets};
pub(crate) use wire_error::error_response;

/// Where the collector's requests go.
#[derive(Debug, Clone, Default)]
pub enum Traffic {
    /// To AWS (or `endpoint_url`).
    #[default]
    Live,
    /// To AWS, with every allow-listed exchange also written under `dir`.
    Record { dir: PathBuf, anonymize: bool },
    /// Nowhere: answered from a recording.
    Replay {
        dir: PathBuf,
        missing: MissingResponse,
    },
}

/// What replay does with a request the recording has no answer for.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum MissingResponse {
    /// Collection fails, naming every missing key.
    #[default]
    Fail,
    /// The request fails as unsupported, and the snapshot records that data as unknown.
    RecordAsUnavailable,
}

pub const MANIFEST_FILE: &str = "recording.json";

/// `recording.json`: what a recording holds, so that replay needs no arguments but its path.
#[derive(Debug, Clone, Serialize, Deserialize)]
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
        let text = std::fs::read_to_string(&path).map_err(|e| {
            format!(
                "cannot read {}: {e} (is this a recording made with --record?)",
                path.display()
            )
        })?;
        serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))
    }
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
    /// Only the headers the SDK reads: content type, request id, error type.
    pub headers: BTreeMap<String, String>,
    /// XML and other text bodies, verbatim.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
    /// JSON bodies, parsed so that the file reads well; serialised again at replay.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub json: Option<serde_json::Value>,
    /// CBOR bodies in their JSON form (see `cbor.rs`); encoded again at replay.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cbor: Option<serde_json::Value>,
}

/// Response headers worth keeping: the rest (dates, connection, server) only adds noise.
const KEPT_HEADERS: &[&str] = &[
    "content-type",
    "x-amzn-requestid",
    "x-amz-request-id",
    "x-amzn-errortype",
    "smithy-protocol",
];

impl RecordedResponse {
    pub fn body_bytes(&self) -> Result<Vec<u8>, String> {
        Ok(match (&self.cbor, &self.json, &self.body) {
            (Some(cbor), _, _) => cbor::from_json(cbor)?,
            (None, Some(json), _) => json.to_string().into_bytes(),
            (None, None, Some(text)) => text.clone().into_bytes(),
            (None, None, None) => Vec::new(),
        })
    }
}

/// Whether a request or response speaks rpc-v2-cbor.
fn is_cbor(headers: &aws_smithy_runtime_api::http::Headers) -> bool {
    headers.get("smithy-protocol") == Some("rpc-v2-cbor")
        || headers
            .get("content-type")
            .is_some_and(|t| t.starts_with("application/cbor"))
}
