//! `read_snapshot` (what `evaluate --snapshot` and bundles read): any file gives a snapshot or
//! a clean error, and a snapshot written back reads as the same snapshot.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rds_evidence_bundle::read_snapshot;
use rds_evidence_fuzz::{scratch_dir, write};
use rds_evidence_inventory::Snapshot;

fuzz_target!(|data: &[u8]| {
    let path = write(scratch_dir(), "snapshot.json", data);
    let snapshot = match read_snapshot(&path) {
        Ok(snapshot) => snapshot,
        Err(error) => {
            let _ = error.to_string();
            return;
        }
    };
    let text = serde_json::to_string_pretty(&snapshot).expect("a snapshot serialises");
    let again: Snapshot = serde_json::from_str(&text).expect("a written snapshot reads back");
    assert_eq!(
        again, snapshot,
        "parse → write → parse changed the snapshot"
    );
});
