//! Bad input, table-driven: every malformed, empty or oversized file and every invalid
//! argument gets one line on stderr naming the file (and line) or the argument, a non-zero
//! exit, no panic, and no output written.

mod common;

use std::path::Path;

use common::{fixture, rds_evidence, stderr};

/// One case: a file to write (name, content), the arguments (`{file}` is replaced by its path,
/// `{out}` by the output directory), the exit code and what the error must say.
struct Case {
    name: &'static str,
    file: Option<(&'static str, Content)>,
    args: &'static [&'static str],
    code: i32,
    says: &'static [&'static str],
}

enum Content {
    Text(&'static str),
    /// Megabytes of one repeated line.
    Oversized(&'static str),
    /// A named pipe no one writes to: reading it would block for ever.
    Fifo,
    /// A sparse file of this many bytes: nothing to write, everything to read.
    Sparse(u64),
}

const REPLAY: &str = "{demo}";

/// A case study whose `engine` line (4) and account (line 7) tests vary.
const CASE_STUDY_ARGS: &[&str] = &[
    "collect",
    "--replay",
    REPLAY,
    "--case-study",
    "{file}",
    "--out",
    "{out}",
];

const CASES: &[Case] = &[
    Case {
        name: "case study: an engine that is not a specialty",
        file: Some((
            "acme.toml",
            Content::Text(
                "[case_study]\nid = \"acme\"\ncustomer = \"Acme\"\nengine = \"postgresql\"\n\n\
                 [[case_study.account]]\nid = \"111111111111\"\nrole_arn = \
                 \"arn:aws:iam::111111111111:role/R\"\n",
            ),
        )),
        args: CASE_STUDY_ARGS,
        code: 1,
        says: &["acme.toml:4", "postgresql", "use one of: aurora-mysql"],
    },
    Case {
        name: "case study: an unknown key",
        file: Some((
            "acme.toml",
            Content::Text(
                "[case_study]\nid = \"acme\"\ncustomer = \"Acme\"\nengine = \"postgres\"\n\
                 customers = \"Acme\"\n",
            ),
        )),
        args: CASE_STUDY_ARGS,
        code: 1,
        says: &["acme.toml:5", "unknown field `customers`"],
    },
    Case {
        name: "case study: no accounts",
        file: Some((
            "acme.toml",
            Content::Text(
                "[case_study]\nid = \"acme\"\ncustomer = \"Acme\"\nengine = \"postgres\"\n",
            ),
        )),
        args: CASE_STUDY_ARGS,
        code: 1,
        says: &["acme.toml:1", "no [[case_study.account]]"],
    },
    Case {
        name: "case study: an account without a role",
        file: Some((
            "acme.toml",
            Content::Text(
                "[case_study]\nid = \"acme\"\ncustomer = \"Acme\"\nengine = \"postgres\"\n\n\
                 [[case_study.account]]\nid = \"111111111111\"\n",
            ),
        )),
        args: CASE_STUDY_ARGS,
        code: 1,
        says: &["acme.toml:7", "--role-name"],
    },
    Case {
        name: "accounts file: malformed TOML",
        file: Some((
            "accounts.toml",
            Content::Text("[[account]]\nid = \"111111111111\"\nrole_arn = \n"),
        )),
        args: &[
            "collect",
            "--replay",
            REPLAY,
            "--accounts",
            "{file}",
            "--out",
            "{out}",
        ],
        code: 1,
        says: &["accounts.toml:3"],
    },
    Case {
        name: "accounts file: empty",
        file: Some(("accounts.toml", Content::Text(""))),
        args: &[
            "collect",
            "--replay",
            REPLAY,
            "--accounts",
            "{file}",
            "--out",
            "{out}",
        ],
        code: 1,
        says: &["accounts.toml"],
    },
    Case {
        name: "accounts file: oversized garbage",
        file: Some((
            "accounts.toml",
            Content::Oversized("this is not toml at all\n"),
        )),
        args: &[
            "collect",
            "--replay",
            REPLAY,
            "--accounts",
            "{file}",
            "--out",
            "{out}",
        ],
        code: 1,
        says: &["accounts.toml:1"],
    },
    Case {
        name: "accounts file: invalid account id",
        file: Some((
            "accounts.toml",
            Content::Text(
                "[[account]]\nid = \"12345\"\nrole_arn = \"arn:aws:iam::12345:role/x\"\n",
            ),
        )),
        args: &[
            "collect",
            "--replay",
            REPLAY,
            "--accounts",
            "{file}",
            "--out",
            "{out}",
        ],
        code: 1,
        says: &["accounts.toml", "12345"],
    },
    Case {
        name: "attestations: malformed TOML",
        file: Some((
            "attestations.toml",
            Content::Text("[controls.\"RDS-009\"]\nstatement = \n"),
        )),
        args: &[
            "collect",
            "--replay",
            REPLAY,
            "--attestations",
            "{file}",
            "--out",
            "{out}",
        ],
        code: 1,
        says: &["attestations.toml:2"],
    },
    Case {
        name: "attestations: a control the profile does not have",
        file: Some((
            "attestations.toml",
            Content::Text("[controls.\"RDS-999\"]\nstatement = \"x\"\n"),
        )),
        args: &[
            "collect",
            "--replay",
            REPLAY,
            "--attestations",
            "{file}",
            "--out",
            "{out}",
        ],
        code: 1,
        says: &["attestations.toml", "RDS-999"],
    },
    Case {
        name: "attestations: a document that does not exist",
        file: Some((
            "attestations.toml",
            Content::Text("[controls.\"RDS-009\"]\ndocuments = [\"missing-runbook.pdf\"]\n"),
        )),
        args: &[
            "collect",
            "--replay",
            REPLAY,
            "--attestations",
            "{file}",
            "--out",
            "{out}",
        ],
        code: 1,
        says: &["attestations.toml", "missing-runbook.pdf"],
    },
    Case {
        name: "attestations: a document that is a device",
        file: Some((
            "attestations.toml",
            Content::Text("[controls.\"RDS-009\"]\ndocuments = [\"/dev/zero\"]\n"),
        )),
        args: &[
            "collect",
            "--replay",
            REPLAY,
            "--attestations",
            "{file}",
            "--out",
            "{out}",
        ],
        code: 1,
        says: &["attestations.toml", "/dev/zero", "system files are not documents"],
    },
    Case {
        name: "attestations: a FIFO",
        file: Some(("attestations.toml", Content::Fifo)),
        args: &[
            "collect",
            "--replay",
            REPLAY,
            "--attestations",
            "{file}",
            "--out",
            "{out}",
        ],
        code: 1,
        says: &["attestations.toml", "not a regular file"],
    },
    Case {
        name: "profile: a device",
        file: None,
        args: &[
            "evaluate",
            "--snapshot",
            "{demo-snapshot}",
            "--profile",
            "/dev/zero",
            "--out",
            "{out}",
        ],
        code: 1,
        says: &["/dev/zero", "not a regular file"],
    },
    Case {
        name: "profile: empty",
        file: Some(("profile.toml", Content::Text(""))),
        args: &[
            "collect",
            "--replay",
            REPLAY,
            "--checklist",
            "{file}",
            "--out",
            "{out}",
        ],
        code: 1,
        says: &["profile.toml"],
    },
    Case {
        name: "profile: oversized garbage",
        file: Some(("profile.toml", Content::Oversized("{{{{ not a profile\n"))),
        args: &[
            "evaluate",
            "--snapshot",
            "{demo-snapshot}",
            "--profile",
            "{file}",
            "--out",
            "{out}",
        ],
        code: 1,
        says: &["profile.toml:1"],
    },
    Case {
        name: "snapshot: empty",
        file: Some(("snapshot.json", Content::Text(""))),
        args: &["evaluate", "--snapshot", "{file}", "--out", "{out}"],
        code: 1,
        says: &["snapshot.json:1:0"],
    },
    Case {
        name: "snapshot: truncated",
        file: Some((
            "snapshot.json",
            Content::Text("{\n  \"schema_version\": 1,\n  \"regions\": [\n"),
        )),
        args: &["evaluate", "--snapshot", "{file}", "--out", "{out}"],
        code: 1,
        says: &["snapshot.json:4"],
    },
    Case {
        name: "snapshot: JSON of the wrong shape",
        file: Some(("snapshot.json", Content::Text("[1, 2, 3]\n"))),
        args: &["evaluate", "--snapshot", "{file}", "--out", "{out}"],
        code: 1,
        says: &["snapshot.json:1", "not a valid snapshot"],
    },
    Case {
        name: "snapshot: oversized garbage",
        file: Some((
            "snapshot.json",
            Content::Oversized("garbage garbage garbage\n"),
        )),
        args: &["evaluate", "--snapshot", "{file}", "--out", "{out}"],
        code: 1,
        says: &["snapshot.json:1"],
    },
    Case {
        name: "snapshot: a directory",
        file: Some(("snapshot.json/.keep", Content::Text(""))),
        args: &[
            "evaluate",
            "--snapshot",
            "{dir}/snapshot.json",
            "--out",
            "{out}",
        ],
        code: 1,
        says: &["snapshot.json", "a directory"],
    },
    Case {
        name: "bundle: no manifest",
        file: Some(("notes.txt", Content::Text("not a bundle"))),
        args: &["verify", "{dir}"],
        code: 5,
        says: &["manifest.json"],
    },
    Case {
        name: "bundle: malformed manifest",
        file: Some((
            "manifest.json",
            Content::Text("{\"format\": \"rds-evidence-bundle\",\n"),
        )),
        args: &["verify", "{dir}"],
        code: 5,
        says: &["manifest.json", "not a bundle manifest"],
    },
    Case {
        name: "bundle: the manifest is a FIFO",
        file: Some(("manifest.json", Content::Fifo)),
        args: &["verify", "{dir}"],
        code: 5,
        says: &["manifest.json", "not a regular file"],
    },
    Case {
        name: "bundle: a manifest of a gigabyte",
        file: Some(("manifest.json", Content::Sparse(1 << 30))),
        args: &["verify", "{dir}"],
        code: 5,
        says: &["manifest.json", "more than the 16777216 this file may hold"],
    },
    Case {
        name: "bundle: a directory that does not exist",
        file: None,
        args: &["verify", "{dir}/no-such-bundle"],
        code: 5,
        says: &["no-such-bundle", "FAILED verification"],
    },
    Case {
        name: "recording: recording.json is a FIFO",
        file: Some(("recording/recording.json", Content::Fifo)),
        args: &["collect", "--replay", "{dir}/recording", "--out", "{out}"],
        code: 1,
        says: &["recording.json", "not a regular file"],
    },
    Case {
        name: "accounts file: larger than any list of accounts",
        file: Some(("accounts.toml", Content::Sparse(1 << 30))),
        args: &[
            "collect",
            "--replay",
            REPLAY,
            "--accounts",
            "{file}",
            "--out",
            "{out}",
        ],
        code: 1,
        says: &["accounts.toml", "this file may hold"],
    },
    Case {
        name: "signing key: not a key",
        file: Some(("partner.key", Content::Text("-----BEGIN NONSENSE-----\n"))),
        args: &[
            "collect",
            "--replay",
            REPLAY,
            "--sign-key",
            "{file}",
            "--out",
            "{out}",
        ],
        code: 1,
        says: &["partner.key", "not an Ed25519 secret key"],
    },
    Case {
        name: "public key: not a key",
        file: Some(("partner.pub.pem", Content::Text("hello\n"))),
        args: &["verify", "{dir}", "--public-key", "{file}"],
        code: 1,
        says: &["partner.pub.pem", "not an Ed25519 public key"],
    },
    Case {
        name: "output directory under a regular file",
        file: Some(("occupied", Content::Text("a file, not a directory"))),
        args: &["collect", "--replay", REPLAY, "--out", "{file}/bundle"],
        code: 1,
        says: &["occupied"],
    },
    Case {
        name: "external id with forbidden characters",
        file: None,
        args: &[
            "collect",
            "--role-arn",
            "arn:aws:iam::111111111111:role/r",
            "--external-id",
            "a b",
            "--out",
            "{out}",
        ],
        code: 2,
        says: &["--external-id"],
    },
    Case {
        name: "account ids that are not account ids",
        file: None,
        args: &[
            "collect",
            "--account-ids",
            "1234,x",
            "--role-name",
            "r",
            "--out",
            "{out}",
        ],
        code: 1,
        says: &["1234"],
    },
    Case {
        name: "session name too long",
        file: None,
        args: &[
            "collect",
            "--role-arn",
            "arn:aws:iam::111111111111:role/r",
            "--session-name",
            "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
            "--out",
            "{out}",
        ],
        code: 2,
        says: &["--session-name"],
    },
    Case {
        name: "--record into a directory of something else",
        file: Some(("notes/plan.md", Content::Text("mine"))),
        args: &["collect", "--record", "{dir}/notes", "--out", "{out}"],
        code: 1,
        says: &["--record", "notes", "not a recording", "nothing was recorded"],
    },
    Case {
        name: "an S3 store with a replay, which reaches no network",
        file: None,
        args: &["collect", "--replay", REPLAY, "--store", "s3://partner-evidence/rds", "--store-bucket-owner", "123456789012"],
        code: 1,
        says: &["--store s3://partner-evidence", "--replay reaches no network", "local --store DIR"],
    },
    Case {
        name: "an S3 store without its bucket owner",
        file: None,
        args: &["history", "111111111111", "--store", "s3://partner-evidence/rds"],
        code: 1,
        says: &["--store-bucket-owner"],
    },
    Case {
        name: "a bucket owner that is not an account id",
        file: None,
        args: &["history", "111111111111", "--store", "s3://partner-evidence/rds", "--store-bucket-owner", "partner"],
        code: 2,
        says: &["--store-bucket-owner", "12-digit"],
    },
    Case {
        name: "a webhook over plain http",
        file: Some((
            "run.toml",
            Content::Text(
                "store = \"store\"\naccounts = \"accounts.toml\"\n[notify]\nwebhook_url = \"http://hooks.example/x\"\n",
            ),
        )),
        args: &["run", "--config", "{file}"],
        code: 1,
        says: &["run.toml", "webhook_url", "not https://", "--allow-insecure-webhook"],
    },
    Case {
        name: "a document size that is not a size",
        file: None,
        args: &["collect", "--replay", REPLAY, "--max-document-size", "lots", "--out", "{out}"],
        code: 2,
        says: &["--max-document-size", "not a size"],
    },
    Case {
        name: "replay directory that is not a recording",
        file: Some(("empty-recording/.keep", Content::Text(""))),
        args: &[
            "collect",
            "--replay",
            "{dir}/empty-recording",
            "--out",
            "{out}",
        ],
        code: 1,
        says: &["empty-recording"],
    },
];

fn write(dir: &Path, name: &str, content: &Content) -> std::path::PathBuf {
    let path = dir.join(name);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    match content {
        Content::Text(text) => std::fs::write(&path, text).unwrap(),
        Content::Oversized(line) => std::fs::write(&path, line.repeat(8 << 20 >> 5)).unwrap(),
        Content::Sparse(bytes) => std::fs::File::create(&path)
            .unwrap()
            .set_len(*bytes)
            .unwrap(),
        Content::Fifo => assert!(std::process::Command::new("mkfifo")
            .arg(&path)
            .status()
            .unwrap()
            .success()),
    }
    path
}

#[test]
fn every_bad_input_gets_one_clear_line_and_writes_nothing() {
    let mut failures = Vec::new();
    for case in CASES {
        let dir = tempfile::tempdir().unwrap();
        let file = case
            .file
            .as_ref()
            .map(|(name, content)| write(dir.path(), name, content));
        let out = dir.path().join("out");
        let args: Vec<String> = case
            .args
            .iter()
            .map(|arg| {
                arg.replace("{demo}", &fixture("emulator-demo").display().to_string())
                    .replace(
                        "{demo-snapshot}",
                        &fixture("emulator-demo-snapshot.json").display().to_string(),
                    )
                    .replace(
                        "{file}",
                        &file
                            .as_deref()
                            .unwrap_or(Path::new(""))
                            .display()
                            .to_string(),
                    )
                    .replace("{dir}", &dir.path().display().to_string())
                    .replace("{out}", &out.display().to_string())
            })
            .collect();
        let output = rds_evidence(dir.path()).args(&args).output().unwrap();
        let err = stderr(&output);
        let mut problems = Vec::new();
        if output.status.code() != Some(case.code) {
            problems.push(format!(
                "exit {:?}, not {}",
                output.status.code(),
                case.code
            ));
        }
        if err.contains("panicked") {
            problems.push("panicked".to_owned());
        }
        for needle in case.says {
            if !err.contains(needle) {
                problems.push(format!("does not say {needle:?}"));
            }
        }
        let error_lines = err.lines().filter(|l| l.starts_with("error")).count();
        let repeats = |line: &str| {
            let causes: Vec<&str> = line.split(": ").collect();
            causes.windows(2).any(|pair| pair[0] == pair[1])
        };
        if err.lines().any(repeats) {
            problems.push("repeats a cause".to_owned());
        }
        if case.code == 1 && (error_lines != 1 || err.lines().count() > 2) {
            problems.push(format!("not one error line ({error_lines})"));
        }
        if out.exists() {
            problems.push("wrote output".to_owned());
        }
        if !problems.is_empty() {
            failures.push(format!(
                "{}: {}\n    stderr: {err}",
                case.name,
                problems.join("; ")
            ));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}
