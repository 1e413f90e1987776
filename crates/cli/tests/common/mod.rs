//! Shared by the end-to-end tests: the real binary, run with an environment that cannot reach
//! anything but loopback, and the moto emulator.

#![allow(dead_code)] // each test file uses its own part of this module

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Output, Stdio};
use std::sync::{Mutex, OnceLock};

/// From the environment cargo gives the running test, not the compile-time one: a shared
/// target directory may hold this test built from another checkout, which may be gone.
pub fn workspace_root() -> PathBuf {
    std::env::var_os("CARGO_MANIFEST_DIR")
        .map_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")), PathBuf::from)
        .join("../..")
}

/// The binary under test with a sealed-off AWS environment: a `HOME` without `~/.aws`, no
/// instance metadata, no inherited credentials or region.
pub fn rds_evidence(home: &Path) -> Command {
    sealed(Command::new(binary()), home)
}

pub fn binary() -> &'static Path {
    Path::new(env!("CARGO_BIN_EXE_rds-evidence"))
}

/// `command` (the binary, or a wrapper that runs it) with the sealed-off AWS environment.
pub fn sealed(mut command: Command, home: &Path) -> Command {
    for (name, _) in std::env::vars() {
        if name.starts_with("AWS_") {
            command.env_remove(name);
        }
    }
    command
        .env("HOME", home)
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env_remove("RUST_LOG")
        .stdin(Stdio::null());
    command
}

/// With the emulator's static test credentials.
pub fn rds_evidence_with_credentials(home: &Path) -> Command {
    let mut command = rds_evidence(home);
    command
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing");
    command
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

pub fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// The Python that has moto and boto3: `RDS_EVIDENCE_PYTHON`, else the venv `make venv` makes.
pub fn python() -> PathBuf {
    let python = std::env::var_os("RDS_EVIDENCE_PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join(".venv-moto/bin/python"));
    assert!(
        python.exists(),
        "no Python with moto at {}: run `make venv` (or `make test`, which does it)",
        python.display()
    );
    python
}

/// A moto server on a free loopback port. It stops when its stdin closes, that is when the
/// test process exits, however it exits.
pub struct Emulator {
    pub endpoint: String,
    _child: Mutex<(Child, ChildStdin)>,
}

impl Emulator {
    pub fn start() -> Emulator {
        Emulator::start_with(&[])
    }

    /// With these environment variables, e.g. moto's `MOTO_RECORDER_FILEPATH`.
    pub fn start_with(env: &[(&str, &Path)]) -> Emulator {
        let (port, child) = start_loopback_server("moto_server.py", &[], env);
        Emulator {
            endpoint: format!("http://127.0.0.1:{port}"),
            _child: Mutex::new(child),
        }
    }

    /// Builds the demo estate (tests/emulator/build_estate.py) and returns what it printed.
    pub fn build_demo_estate(&self) -> serde_json::Value {
        let output = Command::new(python())
            .arg(workspace_root().join("tests/emulator/build_estate.py"))
            .args(["--endpoint-url", &self.endpoint])
            .output()
            .expect("run build_estate.py");
        assert!(
            output.status.success(),
            "build_estate.py failed:\n{}",
            stderr(&output)
        );
        serde_json::from_slice(&output.stdout).expect("build_estate.py prints JSON")
    }
}

/// Runs one of the loopback servers of `tests/emulator` (it prints its port, and stops when its
/// stdin closes, that is when the test process exits, however it exits).
fn start_loopback_server(
    script: &str,
    args: &[&str],
    env: &[(&str, &Path)],
) -> (u16, (Child, ChildStdin)) {
    let mut child = Command::new(python())
        .arg(workspace_root().join("tests/emulator").join(script))
        .args(args)
        .envs(env.iter().copied())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("start {script}: {e}"));
    let stdin = child.stdin.take().expect("server stdin");
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("server stdout"))
        .read_line(&mut line)
        .expect("read the server's port");
    let port = line
        .trim()
        .parse()
        .unwrap_or_else(|_| panic!("{script} prints its port, not {line:?}"));
    (port, (child, stdin))
}

/// The latency and throttling proxy (`tests/emulator/aws_proxy.py`) in front of an emulator:
/// what a real account looks like from far away.
pub struct Proxy {
    pub endpoint: String,
    _child: Mutex<(Child, ChildStdin)>,
}

impl Proxy {
    /// `args` are the proxy's options (`--latency-ms`, `--account-rate`, …).
    pub fn start(upstream: &str, args: &[&str]) -> Proxy {
        let mut all = vec!["--upstream", upstream];
        all.extend_from_slice(args);
        let (port, child) = start_loopback_server("aws_proxy.py", &all, &[]);
        Proxy {
            endpoint: format!("http://127.0.0.1:{port}"),
            _child: Mutex::new(child),
        }
    }

    /// What the proxy did: requests, by account, throttled by rule, expired credentials
    /// refused, roles assumed, S3 redirects.
    pub fn stats(&self) -> serde_json::Value {
        use std::io::{Read, Write};
        let address = self.endpoint.trim_start_matches("http://");
        let mut stream = std::net::TcpStream::connect(address).expect("connect to the proxy");
        write!(
            stream,
            "GET /__proxy__/stats HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n"
        )
        .unwrap();
        let mut response = String::new();
        stream.read_to_string(&mut response).unwrap();
        let body = response.split("\r\n\r\n").nth(1).expect("an HTTP response");
        serde_json::from_str(body).expect("the proxy's stats are JSON")
    }
}

/// One emulator with the demo estate per test binary: building it takes seconds.
pub fn demo_emulator() -> &'static (Emulator, serde_json::Value) {
    static DEMO: OnceLock<(Emulator, serde_json::Value)> = OnceLock::new();
    DEMO.get_or_init(|| {
        let emulator = Emulator::start();
        let estate = emulator.build_demo_estate();
        (emulator, estate)
    })
}

/// A snapshot as JSON with what legitimately differs between two runs removed: the collection
/// time and source, and each call's timing, retries and position in the log.
pub fn comparable(snapshot: &rds_evidence_inventory::Snapshot) -> serde_json::Value {
    let mut value = serde_json::to_value(snapshot).unwrap();
    value["collected_at"] = serde_json::Value::Null;
    // Live or replayed, and from which recording.
    value.as_object_mut().unwrap().remove("source");
    let calls = value["calls"].as_array_mut().unwrap();
    for call in calls.iter_mut() {
        let call = call.as_object_mut().unwrap();
        call.remove("started_ms");
        call.remove("duration_ms");
        call.remove("attempts");
    }
    calls.sort_by_key(|call| call.to_string());
    value
}

/// Runs `collect` and reads back the snapshot it wrote (complete, exit 0, or with unknowns,
/// exit 4); panics with its output otherwise.
pub fn collect_snapshot(
    mut command: Command,
    out: &Path,
) -> (rds_evidence_inventory::Snapshot, Output) {
    let output = command.arg("--out").arg(out).output().unwrap();
    assert!(
        matches!(output.status.code(), Some(0 | 4)),
        "collect failed:\n{}\n{}",
        stdout(&output),
        stderr(&output)
    );
    let snapshot = rds_evidence_bundle::read_snapshot(&out.join("snapshot.json")).unwrap();
    (snapshot, output)
}

/// Copies the directory `from`, whole, to `to` (a recording to alter, or to lay out anew).
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

pub fn fixture(name: &str) -> PathBuf {
    workspace_root().join("fixtures").join(name)
}

/// What moto 5.2.5 cannot answer, so that a collection against it (or a recording of one) has
/// these unknowns and no others: CloudTrail Lake, CloudWatch over rpc-v2-cbor, Account contact
/// information,
/// Backup selections and protected resources, and S3 versioning, whose response moto wraps
/// in an element the SDK does not accept; RDS certificates, engine versions, major engine
/// versions' support lifecycles, pending maintenance and reserved instances, and Backup's
/// region settings (not implemented), and the engines' default option groups (moto knows
/// only the option groups created in it).
pub const EMULATOR_GAPS: &[&str] = &[
    "account:GetContactInformation",
    "backup:DescribeRegionSettings",
    "backup:ListBackupSelections",
    "backup:ListProtectedResources",
    "cloudtrail:ListEventDataStores",
    "cloudtrail:LookupEvents",
    "cloudwatch:DescribeAlarms",
    "cloudwatch:GetMetricData",
    "dms:DescribeReplicationTasks",
    "rds:DescribeCertificates",
    "rds:DescribeDBEngineVersions",
    "rds:DescribeDBMajorEngineVersions",
    "rds:DescribeOptionGroups",
    "rds:DescribePendingMaintenanceActions",
    "rds:DescribeReservedDBInstances",
    "s3:GetBucketVersioning",
];

/// Calls that fail by design when something is not configured; the snapshot records the
/// absence as a value, the call log the failed call.
pub const NOT_CONFIGURED_ANSWERS: &[&str] = &[
    "account:GetAlternateContact",
    "iam:GetAccountPasswordPolicy",
    "s3:GetBucketEncryption",
    "s3:GetBucketPolicy",
    "s3:GetObjectLockConfiguration",
    "s3:GetPublicAccessBlock",
];

/// The snapshot's unknowns other than the emulator's limitations.
pub fn gaps_beyond_emulator(snapshot: &rds_evidence_inventory::Snapshot) -> Vec<String> {
    snapshot
        .gaps()
        .into_iter()
        .filter(|gap| !EMULATOR_GAPS.contains(&gap.why.action.as_str()))
        .map(|gap| format!("{} {}: {}", gap.region, gap.subject, gap.why))
        .collect()
}

/// The demo estate collected by the real binary (recorded while at it), once per test binary.
pub struct DemoCollection {
    pub snapshot: rds_evidence_inventory::Snapshot,
    /// snapshot.json as written, to search for values that must never appear.
    pub text: String,
    /// What `collect` printed.
    pub summary: String,
    pub estate: &'static serde_json::Value,
    /// Holds `out/` and the recording, `recording/`.
    pub dir: tempfile::TempDir,
}

pub fn demo_collection() -> &'static DemoCollection {
    static COLLECTION: OnceLock<DemoCollection> = OnceLock::new();
    COLLECTION.get_or_init(|| {
        let (emulator, estate) = demo_emulator();
        let dir = tempfile::tempdir().unwrap();
        let mut command = rds_evidence_with_credentials(dir.path());
        command
            .args(["collect", "--regions", "us-east-1,eu-west-1"])
            .args(["--endpoint-url", &emulator.endpoint])
            // The emulator answers some operations with 500; one retry shows they are retried.
            .args(["--max-attempts", "2"])
            .arg("--record")
            .arg(dir.path().join("recording"));
        let out = dir.path().join("out");
        let (snapshot, output) = collect_snapshot(command, &out);
        assert_eq!(
            gaps_beyond_emulator(&snapshot),
            Vec::<String>::new(),
            "only what the emulator cannot answer is unknown: {}",
            stdout(&output)
        );
        DemoCollection {
            text: std::fs::read_to_string(out.join("snapshot.json")).unwrap(),
            summary: stdout(&output),
            snapshot,
            estate,
            dir,
        }
    })
}

/// Credential-shaped strings: access key ids, secret keys and session tokens in any of the
/// forms AWS returns them, SigV4 signatures, and the demo estate's master password.
const SECRET_PATTERNS: &[&str] = &[
    r"(AKIA|ASIA)[A-Z0-9]{16}",
    r#"(SecretAccessKey|SessionToken|secret_access_key|session_token)\W+[A-Za-z0-9/+=]{16,}"#,
    r"(Signature|X-Amz-Signature)=[0-9a-f]{16,}",
    r"X-Amz-Security-Token=[^&\s]{8,}",
    r"Demo-Passw0rd-Do-Not-Leak!",
];

/// Panics naming the file and pattern if `text` holds anything credential-shaped.
pub fn assert_no_secret_in(text: &str, source: &str) {
    for pattern in SECRET_PATTERNS {
        let regex = regex::Regex::new(pattern).unwrap();
        assert!(!regex.is_match(text), "{source} matches {pattern}");
    }
}

/// Scans every file under `dir`, inside spreadsheets and archives too; returns how many files
/// were read.
pub fn assert_no_secrets(dir: &Path) -> usize {
    let mut scanned = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            scanned += assert_no_secrets(&path);
            continue;
        }
        let source = path.display().to_string();
        let bytes = std::fs::read(&path).unwrap();
        match path.extension().and_then(|e| e.to_str()) {
            Some("xlsx") => {
                let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
                for index in 0..zip.len() {
                    let mut member = zip.by_index(index).unwrap();
                    let name = member.name().unwrap().into_owned();
                    let mut text = String::new();
                    std::io::Read::read_to_string(&mut member, &mut text).unwrap();
                    assert_no_secret_in(&text, &format!("{source}:{name}"));
                }
            }
            Some("gz") => {
                let decoder = flate2::read::GzDecoder::new(bytes.as_slice());
                let mut archive = tar::Archive::new(decoder);
                for member in archive.entries().unwrap() {
                    let mut member = member.unwrap();
                    let name = member.path().unwrap().display().to_string();
                    let mut content = Vec::new();
                    std::io::Read::read_to_end(&mut member, &mut content).unwrap();
                    assert_no_secret_in(
                        &String::from_utf8_lossy(&content),
                        &format!("{source}:{name}"),
                    );
                }
            }
            _ => assert_no_secret_in(&String::from_utf8_lossy(&bytes), &source),
        }
        scanned += 1;
    }
    scanned
}
