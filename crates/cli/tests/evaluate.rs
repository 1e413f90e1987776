//! `evaluate`, `checks`, `controls` and `attestations init`, offline.

mod common;

use std::path::{Path, PathBuf};

use common::{fixture, rds_evidence, stderr, stdout};

/// The demo fixture's snapshot, collected once per test from the recording.
fn demo_snapshot(dir: &Path) -> PathBuf {
    let out = dir.join("collected");
    let output = rds_evidence(dir)
        .args(["collect", "--no-evaluate", "--replay"])
        .arg(fixture("emulator-demo"))
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    // The demo recording has the emulator's unknowns: written, exit 4.
    assert!(
        matches!(output.status.code(), Some(0 | 4)),
        "{}",
        stderr(&output)
    );
    out.join("snapshot.json")
}

fn evaluate(dir: &Path, snapshot: &Path, out: &str, extra: &[&str]) -> std::process::Output {
    rds_evidence(dir)
        .args(["evaluate", "--snapshot"])
        .arg(snapshot)
        .arg("--out")
        .arg(dir.join(out))
        .args(extra)
        .output()
        .unwrap()
}

#[test]
fn evaluating_twice_gives_byte_identical_results() {
    let dir = tempfile::tempdir().unwrap();
    let snapshot = demo_snapshot(dir.path());
    for out in ["first", "second"] {
        let output = evaluate(dir.path(), &snapshot, out, &[]);
        // The demo recording has the emulator's unknowns: written, exit 4.
        assert!(
            matches!(output.status.code(), Some(0 | 4)),
            "{}",
            stderr(&output)
        );
    }
    for file in ["findings.json", "controls.json"] {
        let first = std::fs::read(dir.path().join("first").join(file)).unwrap();
        let second = std::fs::read(dir.path().join("second").join(file)).unwrap();
        assert!(!first.is_empty());
        assert_eq!(first, second, "{file} differs between runs");
    }
}

#[test]
fn collect_evaluates_by_default() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let output = rds_evidence(dir.path())
        .args(["collect", "--replay"])
        .arg(fixture("emulator-demo"))
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    // The demo recording has the emulator's unknowns: written, exit 4.
    assert!(
        matches!(output.status.code(), Some(0 | 4)),
        "{}",
        stderr(&output)
    );
    assert!(stdout(&output).contains("Controls (rds-service-delivery-2025-08)"));
    for file in ["snapshot.json", "findings.json", "controls.json"] {
        assert!(out.join(file).exists(), "{file}");
    }
}

#[test]
fn malformed_snapshot_names_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let snapshot = dir.path().join("snapshot.json");
    std::fs::write(&snapshot, "{\n  \"schema_version\": 1,\n  \"account\": [\n").unwrap();
    let output = evaluate(dir.path(), &snapshot, "out", &[]);
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{err}");
    assert!(err.contains("snapshot.json:4:"), "{err}");
    assert!(!dir.path().join("out").exists());
}

#[test]
fn malformed_profile_names_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let snapshot = demo_snapshot(dir.path());
    let profile = dir.path().join("profile.toml");
    std::fs::write(&profile, "id = \"x\"\ntitle = \"y\"\n[[controls]\n").unwrap();
    let output = evaluate(
        dir.path(),
        &snapshot,
        "out",
        &["--profile", profile.to_str().unwrap()],
    );
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{err}");
    assert!(err.contains("profile.toml:3:"), "{err}");
    assert!(!dir.path().join("out").exists());
}

#[test]
fn attestations_template_round_trips_and_attests() {
    let dir = tempfile::tempdir().unwrap();
    let template = dir.path().join("attestations.toml");
    let output = rds_evidence(dir.path())
        .args(["attestations", "init", "--out"])
        .arg(&template)
        .output()
        .unwrap();
    // The demo recording has the emulator's unknowns: written, exit 4.
    assert!(
        matches!(output.status.code(), Some(0 | 4)),
        "{}",
        stderr(&output)
    );
    let again = rds_evidence(dir.path())
        .args(["attestations", "init", "--out"])
        .arg(&template)
        .output()
        .unwrap();
    assert_eq!(
        again.status.code(),
        Some(1),
        "never overwrites an existing file"
    );

    std::fs::write(dir.path().join("runbook.md"), "# Runbook\n").unwrap();
    let mut text = std::fs::read_to_string(&template).unwrap();
    text.push_str("\n[controls.\"OPE-002\"]\ndocuments = [\"runbook.md\"]\n");
    std::fs::write(&template, text).unwrap();

    let snapshot = demo_snapshot(dir.path());
    let output = evaluate(
        dir.path(),
        &snapshot,
        "out",
        &["--attestations", template.to_str().unwrap()],
    );
    // The demo recording has the emulator's unknowns: written, exit 4.
    assert!(
        matches!(output.status.code(), Some(0 | 4)),
        "{}",
        stderr(&output)
    );
    let controls: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("out/controls.json")).unwrap())
            .unwrap();
    let ope_002 = controls
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["control"] == "OPE-002")
        .unwrap();
    assert_eq!(ope_002["verdict"], "met");
    let sha = ope_002["attestation"]["documents"][0]["sha256"]
        .as_str()
        .unwrap();
    assert_eq!(sha.len(), 64);
}

#[test]
fn unknown_control_in_attestations_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let snapshot = demo_snapshot(dir.path());
    let attestations = dir.path().join("att.toml");
    std::fs::write(&attestations, "[controls.\"RDS-999\"]\nstatement = \"x\"\n").unwrap();
    let output = evaluate(
        dir.path(),
        &snapshot,
        "out",
        &["--attestations", attestations.to_str().unwrap()],
    );
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{err}");
    assert!(err.contains("att.toml") && err.contains("RDS-999"), "{err}");
}

#[test]
fn checks_and_controls_list_the_same_metadata_as_json() {
    let dir = tempfile::tempdir().unwrap();
    let output = rds_evidence(dir.path())
        .args(["checks", "--format", "json"])
        .output()
        .unwrap();
    let checks: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let checks = checks.as_array().unwrap();
    assert!(!checks.is_empty());
    for check in checks {
        assert!(!check["controls"].as_array().unwrap().is_empty(), "{check}");
        assert!(check["rationale"].as_str().unwrap().len() > 20);
        assert!(check["rule"].as_str().unwrap().len() > 20, "{check}");
    }
    let output = rds_evidence(dir.path())
        .args(["controls", "--format", "json"])
        .output()
        .unwrap();
    let profile: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(profile["id"], "rds-service-delivery-2025-08");
    assert_eq!(profile["controls"].as_array().unwrap().len(), 28);
    let rds_009 = profile["controls"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "RDS-009")
        .unwrap();
    let multi_az = rds_009["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "rds.database.multi_az")
        .unwrap();
    assert_eq!(multi_az["level"], "required");
    assert_eq!(multi_az["environments"], "production");
    let multi_az_check = checks
        .iter()
        .find(|c| c["id"] == "rds.database.multi_az")
        .unwrap();
    assert!(
        multi_az_check["controls"]
            .as_array()
            .unwrap()
            .contains(&serde_json::json!({
                "control": "DOC-001",
                "level": "recommended",
                "environments": "production"
            })),
        "{multi_az_check}"
    );
}

/// An account with no RDS database, every control attested: no control about databases is
/// met, and each says why.
#[test]
fn an_account_without_databases_proves_no_database_control() {
    let dir = tempfile::tempdir().unwrap();
    let output = rds_evidence(dir.path())
        .args(["controls", "--format", "json"])
        .output()
        .unwrap();
    let profile: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let mut attestations = String::from("[targets]\nrpo_minutes = 15\nrto_minutes = 60\n");
    for control in profile["controls"].as_array().unwrap() {
        attestations.push_str(&format!(
            "\n[controls.\"{}\"]\nstatement = \"We do this, and here is our SOP.\"\n",
            control["id"].as_str().unwrap()
        ));
        if control["id"] == "RDS-005" {
            attestations.push_str("use_case = \"migration\"\n");
        }
    }
    let attestations_path = dir.path().join("attestations.toml");
    std::fs::write(&attestations_path, attestations).unwrap();

    // The demo snapshot with every database gone: keys, networks, trails and IAM stay.
    let mut snapshot: serde_json::Value =
        serde_json::from_slice(&std::fs::read(demo_snapshot(dir.path())).unwrap()).unwrap();
    for region in snapshot["regions"].as_array_mut().unwrap() {
        region["db_instances"] = serde_json::json!({"value": []});
        region["db_clusters"] = serde_json::json!({"value": []});
    }
    let empty = dir.path().join("empty.json");
    std::fs::write(&empty, serde_json::to_vec(&snapshot).unwrap()).unwrap();

    let output = evaluate(
        dir.path(),
        &empty,
        "out",
        &["--attestations", attestations_path.to_str().unwrap()],
    );
    assert!(
        matches!(output.status.code(), Some(0 | 4)),
        "{}",
        stderr(&output)
    );
    let controls: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("out/controls.json")).unwrap())
            .unwrap();
    let controls = controls.as_array().unwrap();
    for id in [
        "RDS-001",
        "RDS-002",
        "RDS-003",
        "RDS-004",
        "RDS-005",
        "RDS-006",
        "RDS-007",
        "RDS-008",
        "RDS-009",
        "DOC-001",
        "OPE-001",
        "NETSEC-001",
        "NETSEC-002",
        "REL-001",
        "REL-002",
        "COST-001",
    ] {
        let control = controls.iter().find(|c| c["control"] == id).unwrap();
        assert_eq!(
            control["verdict"], "insufficient_evidence",
            "{id}: {control}"
        );
        let narrative = control["narrative"].as_str().unwrap();
        assert!(
            narrative.contains("no RDS database in the regions collected (eu-west-1, us-east-1)")
                && narrative.contains("an attestation cannot stand in"),
            "{id}: {narrative}"
        );
    }
    // Documentary controls rest on their documents.
    let ope_002 = controls.iter().find(|c| c["control"] == "OPE-002").unwrap();
    assert_eq!(ope_002["verdict"], "met");
}

/// Snapshots written by earlier versions of the tool (`fixtures/earlier-snapshots/`, named by
/// the commit that wrote them) still load, evaluate and render: what they lack is unknown.
#[test]
fn snapshots_written_by_earlier_versions_still_load_and_render() {
    let dir = tempfile::tempdir().unwrap();
    for name in ["written-by-69f6386.json", "written-by-300ecbe.json"] {
        let snapshot = fixture("earlier-snapshots").join(name);
        let output = evaluate(dir.path(), &snapshot, name, &[]);
        assert!(
            matches!(output.status.code(), Some(0 | 4)),
            "{name}: {}",
            stderr(&output)
        );
        let diagrams = dir.path().join(name).join("diagrams");
        let svg = std::fs::read_to_string(diagrams.join("eu-west-1+us-east-1.svg")).unwrap();
        for database in ["prod-aurora", "prod-postgres", "prod-postgres-dr"] {
            assert!(svg.contains(&format!(">{database}<")), "{name}: {database}");
        }
        assert!(diagrams.join("eu-west-1+us-east-1.drawio").is_file());
    }
}
