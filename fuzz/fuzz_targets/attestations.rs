//! `Attestations::load` against the built-in profile: attestations or a clean error naming the
//! file, line or control; loaded attestations survive a JSON round trip (as the bundle stores
//! them), and evaluating the demo account with them does not panic (targets at any extreme).
#![no_main]

use std::path::Path;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use rds_evidence_controls::{Attestations, DocumentPolicy};
use rds_evidence_fuzz::{builtin_profile, evaluate_demo, scratch_dir, stays_inside, write};

/// Document references the harness lets through: relative paths inside the scratch directory
/// (which holds `runbook.md`) and URLs. Other paths would read whatever the machine has.
fn documents_stay_inside(data: &[u8]) -> bool {
    let Some(table) = std::str::from_utf8(data)
        .ok()
        .and_then(|text| text.parse::<toml::Table>().ok())
    else {
        return true;
    };
    let Some(toml::Value::Table(controls)) = table.get("controls") else {
        return true;
    };
    controls
        .values()
        .filter_map(|entry| entry.get("documents")?.as_array())
        .flatten()
        .filter_map(toml::Value::as_str)
        .all(|reference| {
            reference.starts_with("https://")
                || reference.starts_with("http://")
                || stays_inside(Path::new(reference))
        })
}

fuzz_target!(|data: &[u8]| {
    static DOCUMENT: OnceLock<()> = OnceLock::new();
    DOCUMENT.get_or_init(|| {
        write(scratch_dir(), "runbook.md", b"# Runbook\n");
    });
    if !documents_stay_inside(data) {
        return;
    }
    let path = write(scratch_dir(), "attestations.toml", data);
    let attestations =
        match Attestations::load(&path, builtin_profile(), &DocumentPolicy::default()) {
            Ok(attestations) => attestations,
            Err(error) => {
                let message = error.to_string();
                assert!(message.contains("attestations.toml"), "{message}");
                return;
            }
        };
    let text = serde_json::to_string(&attestations).expect("attestations serialise");
    let again: Attestations = serde_json::from_str(&text).expect("written attestations parse");
    let mut expected = attestations.clone();
    for control in expected.controls.values_mut() {
        for document in &mut control.documents {
            document.local_path = None;
        }
    }
    assert_eq!(
        again, expected,
        "parse → write → parse changed the attestations"
    );
    evaluate_demo(builtin_profile(), &attestations);
});
