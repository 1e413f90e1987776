//! Recording and replay on the wire, without the AWS SDK: how a request is keyed and named in
//! a recording ([`RequestKey`]), CBOR bodies as JSON ([`cbor`]), and the files a recording
//! holds ([`RecordingManifest`], [`Exchange`]).
//!
//! The collector adapts the SDK's requests to [`WireRequest`]; keeping this crate free of the
//! SDK lets the fuzz targets (`fuzz/`) build it in seconds.

pub mod cbor;
mod key;
mod recording;

pub use key::{is_cbor, is_form, signing_scope, RequestKey, RequestParts, WireRequest};
pub use recording::{
    check_recording_destination, check_recordings_destination, Exchange, RecordedResponse,
    RecordingManifest, KEPT_HEADERS, MANIFEST_FILE,
};
