//! The demo account, as `make demo` shows it: `fixtures/demo`, a synthetic account recorded in
//! the real wire formats (`tests/demo-account`), replayed with the partner's attestations.
//!
//! Replay answers a request the recording lacks with an error and fails the run (the default
//! `--replay-missing fail`): when the collector learns an operation, these tests fail until
//! the demo is regenerated (`make demo-fixture`) in the same change.

mod common;

use std::collections::BTreeSet;

use common::{comparable, rds_evidence, stderr, stdout, workspace_root};
use rds_evidence_controls::{ControlVerdict, Verdict};

/// `make demo`'s command, into a temporary bundle. Run from the workspace with the paths
/// `make demo` gives, since the report names the recording it replayed.
fn demo_bundle(home: &std::path::Path) -> (std::path::PathBuf, std::process::Output) {
    let out = home.join("demo-out");
    let output = rds_evidence(home)
        .current_dir(workspace_root())
        .args(["collect", "--replay", "fixtures/demo"])
        .args(["--attestations", "fixtures/demo/attestations.toml"])
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    (out, output)
}

#[test]
fn the_demo_replays_whole_and_shows_every_kind_of_verdict() {
    let home = tempfile::tempdir().unwrap();
    let (bundle, output) = demo_bundle(home.path());
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}\n{}",
        stdout(&output),
        stderr(&output)
    );
    assert!(
        stdout(&output).contains("Unknown: nothing, everything asked for was read"),
        "{}",
        stdout(&output)
    );
    let snapshot = rds_evidence_bundle::read_snapshot(&bundle.join("snapshot.json")).unwrap();
    assert_eq!(snapshot.gaps().len(), 0, "{:?}", snapshot.gaps());
    let controls: Vec<ControlVerdict> =
        serde_json::from_slice(&std::fs::read(bundle.join("controls.json")).unwrap()).unwrap();
    let verdicts: BTreeSet<Verdict> = controls.iter().map(|c| c.verdict).collect();
    for verdict in [Verdict::Met, Verdict::PartiallyMet, Verdict::NotMet] {
        assert!(verdicts.contains(&verdict), "no control {verdict:?}");
    }
    // The partner's documents travel with the bundle, hashed.
    let attested = std::fs::read_dir(bundle.join("attestations"))
        .unwrap()
        .count();
    assert_eq!(attested, 7);
    // One page: the regions replicate to each other.
    let diagrams: BTreeSet<String> = std::fs::read_dir(bundle.join("diagrams"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(
        diagrams,
        BTreeSet::from(
            [
                "us-east-1+us-west-2.dot",
                "us-east-1+us-west-2.drawio",
                "us-east-1+us-west-2.svg"
            ]
            .map(str::to_owned)
        )
    );
}

#[test]
fn the_demo_exercises_every_allowed_operation() {
    let home = tempfile::tempdir().unwrap();
    let (bundle, output) = demo_bundle(home.path());
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let snapshot = rds_evidence_bundle::read_snapshot(&bundle.join("snapshot.json")).unwrap();
    let called: BTreeSet<&str> = snapshot.calls.iter().map(|c| c.action.as_str()).collect();
    let listed = rds_evidence(home.path())
        .arg("allow-list")
        .output()
        .unwrap();
    // A case study's review is read only for a case study that names one
    // (`tests/well_architected.rs` covers those); users are listed only when the credential
    // report, which the demo serves, cannot be read.
    let allowed: BTreeSet<&str> = std::str::from_utf8(&listed.stdout)
        .unwrap()
        .lines()
        .filter(|action| {
            !rds_evidence_collector::allow_list::CASE_STUDY_ACTIONS.contains(action)
                && !rds_evidence_collector::allow_list::CREDENTIAL_REPORT_FALLBACK_ACTIONS
                    .contains(action)
        })
        .collect();
    assert_eq!(called, allowed, "regenerate the demo: make demo-fixture");
}

/// `fixtures/demo-snapshot.json` (the renderers' test input for the demo, and the browser
/// test's) is what replaying `fixtures/demo` gives: `make demo-fixture` rewrites both.
#[test]
fn the_checked_in_demo_snapshot_matches_the_recording() {
    let home = tempfile::tempdir().unwrap();
    let (bundle, output) = demo_bundle(home.path());
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let replayed = rds_evidence_bundle::read_snapshot(&bundle.join("snapshot.json")).unwrap();
    let checked_in =
        rds_evidence_bundle::read_snapshot(&workspace_root().join("fixtures/demo-snapshot.json"))
            .unwrap();
    assert_eq!(comparable(&replayed), comparable(&checked_in));
    assert_eq!(replayed.collected_at, checked_in.collected_at);
}

/// docs/example/ is the demo's bundle as a visitor sees it: its report, spreadsheet and
/// diagrams must be what the demo gives now (`make docs-example` rewrites them; the
/// screenshot beside them depends on the browser's fonts and is not compared).
#[test]
fn the_example_in_the_docs_is_current() {
    let home = tempfile::tempdir().unwrap();
    let (bundle, output) = demo_bundle(home.path());
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let example = workspace_root().join("docs/example");
    let mut expected = vec![
        "report.html".to_owned(),
        "report.md".to_owned(),
        "self-assessment.xlsx".to_owned(),
    ];
    for entry in std::fs::read_dir(bundle.join("diagrams")).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        expected.push(format!("diagrams/{name}"));
    }
    for file in &expected {
        let current = std::fs::read(bundle.join(file)).unwrap();
        let checked_in = std::fs::read(example.join(file))
            .unwrap_or_else(|e| panic!("docs/example/{file}: {e}; run make docs-example"));
        assert!(
            current == checked_in,
            "docs/example/{file} is stale: run make docs-example"
        );
    }
    let mut present: Vec<String> = std::fs::read_dir(example.join("diagrams"))
        .unwrap()
        .map(|e| format!("diagrams/{}", e.unwrap().file_name().to_string_lossy()))
        .collect();
    present.sort();
    let mut diagrams: Vec<&String> = expected
        .iter()
        .filter(|f| f.starts_with("diagrams/"))
        .collect();
    diagrams.sort();
    assert_eq!(
        present.iter().collect::<Vec<_>>(),
        diagrams,
        "no stale diagram left"
    );
}
