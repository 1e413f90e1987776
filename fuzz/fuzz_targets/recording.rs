//! What replay reads from a recording: `recording.json` (`RecordingManifest::read`) and the
//! exchange files. A manifest or a clean error; an exchange's body (text, JSON or CBOR kept
//! as JSON) encodes or fails cleanly, and a CBOR body decoded again, as the recorder would,
//! is a fixed point; both survive the JSON round trip.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rds_evidence_fuzz::{scratch_dir, stays_inside, write};
use rds_evidence_wire::{cbor, Exchange, RecordingManifest, MANIFEST_FILE};

fuzz_target!(|data: &[u8]| {
    write(scratch_dir(), MANIFEST_FILE, data);
    match RecordingManifest::read(scratch_dir()) {
        Ok(manifest) => {
            let text = serde_json::to_string(&manifest).expect("a manifest serialises");
            let again: RecordingManifest = serde_json::from_str(&text).expect("and parses");
            assert_eq!(again, manifest);
        }
        Err(message) => assert!(message.contains(MANIFEST_FILE), "{message}"),
    }

    let Ok(exchange) = serde_json::from_slice::<Exchange>(data) else {
        return;
    };
    assert!(stays_inside(&exchange.request.relative_path()));
    let text = serde_json::to_string(&exchange).expect("an exchange serialises");
    let again: Exchange = serde_json::from_str(&text).expect("a written exchange parses");
    assert_eq!(
        again, exchange,
        "parse → write → parse changed the exchange"
    );
    let Ok(body) = exchange.response.body_bytes() else {
        return;
    };
    // What the recorder would make of the body it replays: decoded again, it is a fixed point
    // (bignums written as tags around bytes come back as the integers they are).
    if exchange.response.cbor.is_some() {
        if let Ok(json) = cbor::to_json(&body) {
            let again = cbor::from_json(&json).expect("decoded CBOR encodes");
            assert_eq!(
                cbor::to_json(&again).expect("and decodes"),
                json,
                "CBOR → JSON → CBOR → JSON changed the body"
            );
        }
    }
});
