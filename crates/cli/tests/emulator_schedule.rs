//! Scheduled runs against the emulator: three customers' accounts collected by `run --config`
//! into an S3 store (a versioned bucket) in two shards, a change in one account, a second run
//! whose diff finds exactly that change, and the portfolio over the three customers.

mod common;

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Output, Stdio};

use common::{python, rds_evidence_with_credentials, stderr, stdout, workspace_root, Emulator};

const ACME: &str = "111111111111";
const GLOBEX: &str = "222222222222";
const INITECH: &str = "333333333333";
const BUCKET: &str = "partner-evidence";

fn portfolio_script(emulator: &Emulator, args: &[&str]) -> serde_json::Value {
    let output = Command::new(python())
        .arg(workspace_root().join("tests/emulator/build_portfolio.py"))
        .args(["--endpoint-url", &emulator.endpoint])
        .args(args)
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    serde_json::from_slice(&output.stdout).unwrap()
}

struct Schedule {
    emulator: Emulator,
    dir: tempfile::TempDir,
    /// Receives the runs' notifications; stops when its stdin closes with the test.
    _webhook: (Child, ChildStdin),
}

/// Starts tests/emulator/webhook_sink.py writing to `received`; returns it and its URL.
fn webhook_sink(received: &Path) -> ((Child, ChildStdin), String) {
    let mut child = Command::new(python())
        .arg(workspace_root().join("tests/emulator/webhook_sink.py"))
        .arg(received)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let stdin = child.stdin.take().unwrap();
    let mut port = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut port)
        .unwrap();
    let url = format!("http://127.0.0.1:{}/hooks/rds-evidence", port.trim());
    ((child, stdin), url)
}

impl Schedule {
    fn new() -> Schedule {
        let emulator = Emulator::start();
        let accounts = format!("{ACME}:postgres,{GLOBEX}:postgres,{INITECH}:mysql");
        portfolio_script(&emulator, &["build", "--accounts", &accounts]);
        portfolio_script(&emulator, &["bucket", "--name", BUCKET]);
        let dir = tempfile::tempdir().unwrap();
        let mut listed = String::new();
        for (id, customer) in [(ACME, "Acme"), (GLOBEX, "Globex"), (INITECH, "Initech")] {
            listed.push_str(&format!(
                "[[account]]\nid = \"{id}\"\nlabels = {{ customer = \"{customer}\" }}\n\n"
            ));
        }
        std::fs::write(dir.path().join("accounts.toml"), listed).unwrap();
        let (webhook, url) = webhook_sink(&dir.path().join("notifications.jsonl"));
        std::fs::write(
            dir.path().join("run.toml"),
            format!(
                "store = \"s3://{BUCKET}/rds\"\naccounts = \"accounts.toml\"\n\
                 role_name = \"RdsEvidenceReadOnly\"\nregions = [\"us-east-1\"]\n\
                 store_cache = \"cache\"\n\n[notify]\nwebhook_url = \"{url}\"\n"
            ),
        )
        .unwrap();
        Schedule {
            emulator,
            dir,
            _webhook: webhook,
        }
    }

    /// The notifications received so far, oldest first.
    fn notifications(&self) -> Vec<serde_json::Value> {
        std::fs::read_to_string(self.dir.path().join("notifications.jsonl"))
            .unwrap_or_default()
            .lines()
            .map(|line| serde_json::from_str(line).unwrap())
            .collect()
    }

    fn rds_evidence(&self, args: &[&str]) -> Output {
        rds_evidence_with_credentials(self.dir.path())
            .args(args)
            .args(["--endpoint-url", &self.emulator.endpoint])
            .output()
            .unwrap()
    }

    fn run(&self, shard: Option<&str>) -> Output {
        let config = self.dir.path().join("run.toml");
        let mut args = vec!["run", "--config", config.to_str().unwrap()];
        if let Some(shard) = shard {
            args.extend(["--shard", shard]);
        }
        self.rds_evidence(&args)
    }

    fn store_args(&self) -> Vec<String> {
        vec![
            "--store".into(),
            format!("s3://{BUCKET}/rds"),
            "--store-cache".into(),
            self.dir.path().join("cache").display().to_string(),
            "--store-endpoint-url".into(),
            self.emulator.endpoint.clone(),
        ]
    }

    fn read_command(&self, args: &[&str]) -> Output {
        rds_evidence_with_credentials(self.dir.path())
            .args(args)
            .args(self.store_args())
            .output()
            .unwrap()
    }

    /// The bucket's keys, listed with the emulator's own client.
    fn keys(&self) -> Vec<String> {
        let script = format!(
            "import boto3,json;s3=boto3.client('s3',region_name='us-east-1',endpoint_url='{}',\
             aws_access_key_id='testing',aws_secret_access_key='testing');\
             print(json.dumps([o['Key'] for p in s3.get_paginator('list_objects_v2')\
             .paginate(Bucket='{BUCKET}') for o in p.get('Contents',[])]))",
            self.emulator.endpoint
        );
        let output = Command::new(python())
            .args(["-c", &script])
            .output()
            .unwrap();
        assert!(output.status.success(), "{}", stderr(&output));
        serde_json::from_slice(&output.stdout).unwrap()
    }
}

fn bundles_of(keys: &[String]) -> BTreeSet<(String, String)> {
    keys.iter()
        .filter_map(|k| k.strip_suffix("/manifest.json"))
        .filter_map(|k| {
            let mut parts = k.rsplitn(3, '/');
            let time = parts.next()?;
            let account = parts.next()?;
            Some((account.to_owned(), time.to_owned()))
        })
        .collect()
}

fn code(output: &Output) -> Option<i32> {
    output.status.code()
}

#[test]
fn scheduled_runs_shards_drift_and_portfolio() {
    let schedule = Schedule::new();

    // Two shards of the first round cover every account exactly once.
    let mut first_round = Vec::new();
    for shard in ["0/2", "1/2"] {
        let output = schedule.run(Some(shard));
        assert_eq!(
            code(&output),
            Some(0),
            "{}\n{}",
            stdout(&output),
            stderr(&output)
        );
        first_round.push(stdout(&output));
    }
    let stored = bundles_of(&schedule.keys());
    let accounts: Vec<&str> = stored.iter().map(|(a, _)| a.as_str()).collect();
    assert_eq!(accounts, [ACME, GLOBEX, INITECH], "{stored:?}");
    for (shard, printed) in first_round.iter().enumerate() {
        assert!(printed.contains(&format!("Shard {shard}/2")), "{printed}");
    }
    assert!(schedule.keys().contains(&"rds/index.json".to_owned()));
    assert!(schedule.keys().contains(&"rds/portfolio.json".to_owned()));
    let notified = schedule.notifications();
    assert_eq!(
        notified.len(),
        2,
        "one notification per shard: {notified:?}"
    );
    let mut collected: Vec<&str> = notified
        .iter()
        .flat_map(|n| n["collected"].as_array().unwrap())
        .filter_map(|a| a.as_str())
        .collect();
    collected.sort_unstable();
    assert_eq!(collected, [ACME, GLOBEX, INITECH]);
    assert!(notified.iter().all(|n| n["exit_code"] == 0));

    // Acme turns Multi-AZ off, keeps one day of backups and opens its database to the world.
    portfolio_script(&schedule.emulator, &["drift", "--account", ACME]);
    // A second, later run (bundle names are per second).
    std::thread::sleep(std::time::Duration::from_millis(1100));
    let output = schedule.run(None);
    assert_eq!(
        code(&output),
        Some(3),
        "{}\n{}",
        stdout(&output),
        stderr(&output)
    );
    let printed = stdout(&output);
    assert!(
        printed.contains(&format!("Regressed since the previous run: {ACME}")),
        "{printed}"
    );
    assert_eq!(bundles_of(&schedule.keys()).len(), 6);
    let last = schedule.notifications().pop().unwrap();
    assert_eq!(last["exit_code"], 3);
    assert_eq!(last["regressed"], serde_json::json!([ACME]));

    let acme = format!("{ACME}@latest");
    let before = format!("{ACME}@-1");
    let output = schedule.read_command(&["diff", &before, &acme, "--format", "json"]);
    assert_eq!(code(&output), Some(3), "{}", stderr(&output));
    let diff: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let drift: BTreeSet<(String, String)> = diff["drift"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["resource"]["id"].as_str().unwrap_or_default().to_owned(),
                d["attribute"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    let database = format!("orders-{}", &ACME[8..]);
    let attributes: BTreeSet<&str> = drift.iter().map(|(_, a)| a.as_str()).collect();
    assert!(
        drift.contains(&(database.clone(), "multi_az".into())),
        "{drift:?}"
    );
    assert!(
        drift.contains(&(database.clone(), "backup_retention_days".into())),
        "{drift:?}"
    );
    assert!(
        attributes.iter().any(|a| a.contains("ingress")),
        "{drift:?}"
    );
    assert_eq!(drift.len(), 3, "exactly the three changes: {drift:?}");

    // The other customers did not change.
    for account in [GLOBEX, INITECH] {
        let output = schedule.read_command(&[
            "diff",
            &format!("{account}@-1"),
            &format!("{account}@latest"),
        ]);
        assert_eq!(
            code(&output),
            Some(0),
            "{}\n{}",
            stdout(&output),
            stderr(&output)
        );
    }

    // History of Acme: two runs.
    let output = schedule.read_command(&["history", ACME]);
    assert_eq!(code(&output), Some(0), "{}", stderr(&output));
    assert!(stdout(&output).contains("RDS-009"), "{}", stdout(&output));

    // The portfolio names three customers.
    let output = schedule.read_command(&["portfolio", "--format", "json"]);
    assert_eq!(code(&output), Some(0), "{}", stderr(&output));
    let portfolio: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let customers: BTreeSet<&str> = portfolio["rows"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|r| r["customer"].as_str())
        .collect();
    assert_eq!(customers, BTreeSet::from(["Acme", "Globex", "Initech"]));

    // A bundle altered in the store is reported by name, never used.
    let cache = schedule.dir.path().join("cache");
    let latest = newest_bundle(&cache.join(ACME));
    std::fs::write(latest.join("report.md"), "altered").unwrap();
    let output = rds_evidence_with_credentials(schedule.dir.path())
        .args(["diff", &before, &acme, "--store"])
        .arg(&cache)
        .output()
        .unwrap();
    assert_eq!(code(&output), Some(1), "{}", stdout(&output));
    let error = stderr(&output);
    assert!(error.contains("report.md"), "{error}");
    assert!(error.contains(ACME), "{error}");
}

fn newest_bundle(account_dir: &Path) -> std::path::PathBuf {
    let mut bundles: Vec<_> = std::fs::read_dir(account_dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| !p.file_name().unwrap().to_string_lossy().starts_with('.'))
        .collect();
    bundles.sort();
    bundles.pop().unwrap()
}
