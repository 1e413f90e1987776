//! Many accounts in one run, against the emulator: two accounts × two regions collected
//! concurrently through roles assumed in each, one snapshot per account.

mod common;

use std::process::Command;

use common::{
    gaps_beyond_emulator, python, rds_evidence_with_credentials, stderr, stdout, workspace_root,
    Emulator,
};

const ACCOUNTS: [&str; 2] = ["111111111111", "222222222222"];

#[test]
fn two_accounts_by_two_regions_concurrently() {
    let emulator = Emulator::start();
    let output = Command::new(python())
        .arg(workspace_root().join("tests/emulator/build_accounts.py"))
        .args(["--endpoint-url", &emulator.endpoint])
        .args(["--accounts", &ACCOUNTS.join(",")])
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    let built: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();

    let dir = tempfile::tempdir().unwrap();
    let accounts = dir.path().join("accounts.toml");
    std::fs::write(
        &accounts,
        format!(
            "[[account]]\nid = \"{a}\"\nrole_arn = \"arn:aws:iam::{a}:role/RdsEvidenceReadOnly\"\n\
             external_id = \"partner-ext-1\"\nlabels = {{ customer = \"Acme\" }}\n\n\
             [[account]]\nid = \"{b}\"\nlabels = {{ customer = \"Globex\" }}\n",
            a = ACCOUNTS[0],
            b = ACCOUNTS[1]
        ),
    )
    .unwrap();
    let out = dir.path().join("out");
    let output = rds_evidence_with_credentials(dir.path())
        .args([
            "collect",
            "--no-evaluate",
            "--regions",
            "us-east-1,eu-west-1",
        ])
        .args([
            "--role-name",
            "RdsEvidenceReadOnly",
            "--account-concurrency",
            "2",
        ])
        .args(["--endpoint-url", &emulator.endpoint])
        .arg("--accounts")
        .arg(&accounts)
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    assert!(
        matches!(output.status.code(), Some(0 | 4)),
        "{}\n{}",
        stdout(&output),
        stderr(&output)
    );
    for (account, customer) in ACCOUNTS.iter().zip(["Acme", "Globex"]) {
        let snapshot =
            rds_evidence_bundle::read_snapshot(&out.join(account).join("snapshot.json")).unwrap();
        assert_eq!(&snapshot.account.id, account);
        assert!(snapshot
            .account
            .caller_arn
            .contains("assumed-role/RdsEvidenceReadOnly"));
        assert_eq!(snapshot.account.labels["customer"], customer);
        assert_eq!(gaps_beyond_emulator(&snapshot), Vec::<String>::new());
        let regions: Vec<&str> = snapshot.regions.iter().map(|r| r.region.as_str()).collect();
        assert_eq!(regions, ["eu-west-1", "us-east-1"]);
        for region in &snapshot.regions {
            let ids: Vec<&str> = region
                .db_instances
                .value()
                .unwrap()
                .iter()
                .map(|i| i.identifier.as_str())
                .collect();
            assert_eq!(
                ids,
                built[account][&region.region].as_array().unwrap().to_vec()
            );
        }
    }
    assert!(stdout(&output).contains(&format!("== Account {} ==", ACCOUNTS[0])));
}

#[test]
fn an_invalid_accounts_file_is_refused_before_any_request() {
    let dir = tempfile::tempdir().unwrap();
    let accounts = dir.path().join("accounts.toml");
    std::fs::write(&accounts, "[[account]]\nid = \"12345\"\n").unwrap();
    let output = rds_evidence_with_credentials(dir.path())
        .args(["collect", "--role-name", "Audit", "--regions", "us-east-1"])
        .args(["--endpoint-url", "http://127.0.0.1:9"])
        .arg("--accounts")
        .arg(&accounts)
        .args(["--out", "unused"])
        .output()
        .unwrap();
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{err}");
    assert!(
        err.contains("accounts.toml:2:") && err.contains("not 12 digits"),
        "{err}"
    );
}
