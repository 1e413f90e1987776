//! Recording AWS traffic to files and replaying it offline.
//!
//! A recording is a directory with one JSON file per distinct request
//! (`<region>/<service>/<Operation>[-<parameters>-<hash>].json`, see [`RequestKey`]) and a
//! `recording.json` manifest. Replay finds the file for each request by its key, not by the
//! order of calls, so a concurrent collector replays deterministically.

mod key;
mod record;
mod replay;
mod scrub;
mod wire_error;

use std::path::PathBuf;

use rds_evidence_wire::{cbor, KEPT_HEADERS};

pub(crate) use cbor::to_json as cbor_to_json;
pub(crate) use key::SdkOperation;
pub use key::{RequestKey, Sdk};
pub use rds_evidence_wire::{
    check_recording_destination, check_recordings_destination, Exchange, RecordedResponse,
    RecordingManifest, MANIFEST_FILE,
};
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

/// Whether a request or response speaks rpc-v2-cbor.
fn is_cbor(headers: &aws_smithy_runtime_api::http::Headers) -> bool {
    rds_evidence_wire::is_cbor(|name| headers.get(name))
}
