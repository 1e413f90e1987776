//! A case study across two accounts, against the emulator: the workload (tagged
//! Workload=orders) in a production account beside an unrelated public sandbox database, its
//! staging copy in a non-production account. The bundle judges the workload only, RDS-007 sees
//! production and non-production apart by the account boundary, and the sandbox's exposure
//! never reaches NETSEC-001.

mod common;

use std::process::Command;

use common::{python, rds_evidence_with_credentials, stderr, stdout, workspace_root, Emulator};

const PRODUCTION: &str = "111111111111";
const NON_PRODUCTION: &str = "222222222222";

fn case_study_file(dir: &std::path::Path, tags: &str) -> std::path::PathBuf {
    let path = dir.join("acme-orders.toml");
    std::fs::write(
        &path,
        format!(
            "[case_study]\nid = \"acme-orders\"\ncustomer = \"Acme Ltd\"\nengine = \"postgres\"\n\n\
             [[case_study.account]]\nid = \"{PRODUCTION}\"\n\
             role_arn = \"arn:aws:iam::{PRODUCTION}:role/RdsEvidenceReadOnly\"\n\
             regions = [\"us-east-1\"]\nenvironment = \"production\"\n\n\
             [[case_study.account]]\nid = \"{NON_PRODUCTION}\"\n\
             role_arn = \"arn:aws:iam::{NON_PRODUCTION}:role/RdsEvidenceReadOnly\"\n\
             regions = [\"us-east-1\"]\nenvironment = \"non-production\"\n\n\
             [case_study.scope]\ntags = {{ {tags} }}\n"
        ),
    )
    .unwrap();
    path
}

fn read(path: &std::path::Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

#[test]
fn a_case_study_judges_its_scope_across_its_accounts() {
    let emulator = Emulator::start();
    let output = Command::new(python())
        .arg(workspace_root().join("tests/emulator/build_case_study.py"))
        .args(["--endpoint-url", &emulator.endpoint])
        .args([
            "--production",
            PRODUCTION,
            "--non-production",
            NON_PRODUCTION,
        ])
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr(&output));

    let dir = tempfile::tempdir().unwrap();
    let case_study = case_study_file(dir.path(), "Workload = \"orders\"");
    let out = dir.path().join("out");
    let collect = |case_study: &std::path::Path, out: &std::path::Path| {
        rds_evidence_with_credentials(dir.path())
            .args(["collect", "--max-attempts", "1"])
            .args(["--endpoint-url", &emulator.endpoint])
            .arg("--case-study")
            .arg(case_study)
            .arg("--out")
            .arg(out)
            .output()
            .unwrap()
    };
    let output = collect(&case_study, &out);
    assert!(
        matches!(output.status.code(), Some(0 | 4)),
        "{}\n{}",
        stdout(&output),
        stderr(&output)
    );
    assert!(stdout(&output).contains("== Case study acme-orders (Acme Ltd) =="));
    let bundle = out.join("acme-orders");

    // Only the workload is judged; the sandbox is listed as not in the case study.
    let scope = read(&bundle.join("case-study.json"));
    let names = |side: &str| -> Vec<String> {
        scope[side]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                format!(
                    "{}:{}",
                    r["account"].as_str().unwrap(),
                    r["id"].as_str().unwrap()
                )
            })
            .collect()
    };
    assert_eq!(
        names("in_scope"),
        [
            format!("{PRODUCTION}:orders-db"),
            format!("{NON_PRODUCTION}:orders-staging")
        ]
    );
    assert_eq!(
        names("out_of_scope"),
        [format!("{PRODUCTION}:sandbox-public")]
    );
    let findings = read(&bundle.join("findings.json"));
    let findings = findings.as_array().unwrap();
    assert!(
        findings
            .iter()
            .all(|f| f["resource"]["id"] != "sandbox-public"),
        "an out-of-scope database gets no finding of any kind"
    );

    // NETSEC-001 never sees the public sandbox.
    let reachable: Vec<&serde_json::Value> = findings
        .iter()
        .filter(|f| f["check"] == "rds.instance.not_publicly_reachable")
        .collect();
    assert_eq!(reachable.len(), 2, "{reachable:?}");
    assert!(
        reachable.iter().all(|f| f["outcome"] == "pass"),
        "{reachable:?}"
    );

    // RDS-007: production here, non-production there, apart by the account boundary.
    let separated: Vec<&serde_json::Value> = findings
        .iter()
        .filter(|f| f["check"] == "segregation.accounts.prod_nonprod_separated")
        .collect();
    assert_eq!(separated.len(), 2);
    assert!(
        separated.iter().all(|f| f["outcome"] == "pass"),
        "{separated:?}"
    );
    let controls = read(&bundle.join("controls.json"));
    let rds_007 = controls
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["control"] == "RDS-007")
        .unwrap();
    assert_eq!(rds_007["verdict"], "needs_attestation", "{rds_007}");

    // The manifest says what the bundle is evidence for, and which file scoped it.
    let manifest = read(&bundle.join("manifest.json"));
    assert_eq!(manifest["case_study"]["id"], "acme-orders");
    assert_eq!(manifest["case_study"]["engine"], "postgres");
    assert_eq!(
        manifest["case_study"]["accounts"],
        serde_json::json!([PRODUCTION, NON_PRODUCTION])
    );
    assert_eq!(
        manifest["inputs"]["case_study"]["sha256"]
            .as_str()
            .unwrap()
            .len(),
        64
    );
    let summary = std::fs::read_to_string(bundle.join("case-study-summary.md")).unwrap();
    assert!(
        summary.contains("Acme Ltd") && summary.contains("`orders-db`"),
        "{summary}"
    );
    // Each account's diagram draws its part of the scope with the account's environment.
    let diagram = |account: &str| {
        std::fs::read_to_string(bundle.join(format!("diagrams/{account}-us-east-1.svg"))).unwrap()
    };
    let (production, staging) = (diagram(PRODUCTION), diagram(NON_PRODUCTION));
    assert!(
        production.contains("orders-db") && production.contains("· production"),
        "{production}"
    );
    assert!(
        staging.contains("orders-staging") && staging.contains("· non-production"),
        "{staging}"
    );
    assert!(!production.contains("orders-staging") && !staging.contains("orders-db"));
    let verify = rds_evidence_with_credentials(dir.path())
        .arg("verify")
        .arg(&bundle)
        .output()
        .unwrap();
    assert_eq!(verify.status.code(), Some(0), "{}", stderr(&verify));

    // Re-scoped offline from the bundle's own snapshot, with the same verdicts.
    let again = dir.path().join("again");
    let output = rds_evidence_with_credentials(dir.path())
        .arg("evaluate")
        .arg("--case-study")
        .arg(&case_study)
        .arg("--snapshot")
        .arg(bundle.join("snapshot.json"))
        .arg("--out")
        .arg(&again)
        .output()
        .unwrap();
    assert!(
        matches!(output.status.code(), Some(0 | 4)),
        "{}",
        stderr(&output)
    );
    assert_eq!(read(&again.join("controls.json")), controls);

    // A scope that selects nothing is an error naming the file; nothing is written.
    let nothing = dir.path().join("nothing");
    std::fs::create_dir(&nothing).unwrap();
    let empty_scope = case_study_file(&nothing, "Workload = \"billing\"");
    let output = collect(&empty_scope, &nothing.join("out"));
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{err}");
    assert!(
        err.contains("acme-orders.toml") && err.contains("selects no database"),
        "{err}"
    );
    assert!(!nothing.join("out/acme-orders").exists());
}
