//! The evidence bundle end to end, offline: the demo fixture replayed into a bundle, checked
//! by `verify`, signed, archived, and killed half-way.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::Instant;

use common::{
    collect_snapshot, comparable, copy_dir, fixture, rds_evidence, stderr, stdout, workspace_root,
};

/// Replays the demo fixture into a bundle at `home/<name>`, with `extra` arguments.
fn demo_bundle(home: &Path, name: &str, extra: &[&str]) -> (PathBuf, Output) {
    let out = home.join(name);
    let mut command = rds_evidence(home);
    command
        .args(["collect", "--replay"])
        .arg(fixture("emulator-demo"))
        .args(extra);
    let (_, output) = collect_snapshot(command, &out);
    (out, output)
}

fn verify(home: &Path, bundle: &Path, extra: &[&str]) -> Output {
    rds_evidence(home)
        .arg("verify")
        .arg(bundle)
        .args(extra)
        .output()
        .unwrap()
}

fn files_of(dir: &Path) -> Vec<String> {
    let mut files = Vec::new();
    for entry in walk(dir) {
        files.push(
            entry
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .into_owned(),
        );
    }
    files.sort();
    files
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(dir)
        .unwrap()
        .flat_map(|entry| {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path)
            } else {
                vec![path]
            }
        })
        .collect()
}

#[test]
fn the_demo_bundle_holds_every_artifact_and_verifies() {
    let home = tempfile::tempdir().unwrap();
    let (bundle, output) = demo_bundle(home.path(), "bundle", &[]);
    assert!(stdout(&output).contains(&format!("Report: {}", bundle.join("report.html").display())));
    assert_eq!(
        files_of(&bundle),
        [
            "controls.json",
            "diagrams/eu-west-1+us-east-1.dot",
            "diagrams/eu-west-1+us-east-1.drawio",
            "diagrams/eu-west-1+us-east-1.svg",
            "findings.csv",
            "findings.json",
            "findings.ocsf.json",
            "manifest.json",
            "report.html",
            "report.md",
            "self-assessment.xlsx",
            "snapshot.json",
        ]
    );
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(bundle.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["account"]["id"], "000034941834");
    assert_eq!(manifest["profile"]["id"], "rds-service-delivery-2025-08");
    assert_eq!(manifest["inputs"]["profile"], "built-in");
    assert!(manifest["inputs"]["source"]
        .as_str()
        .unwrap()
        .starts_with("replay:"));
    assert_eq!(manifest["files"].as_array().unwrap().len(), 11);
    let verdicts: usize = manifest["verdicts"]
        .as_object()
        .unwrap()
        .values()
        .map(|n| n.as_u64().unwrap() as usize)
        .sum();
    assert_eq!(
        verdicts,
        rds_evidence_controls::Profile::builtin().controls.len()
    );

    let verified = verify(home.path(), &bundle, &[]);
    assert_eq!(verified.status.code(), Some(0), "{}", stderr(&verified));
    assert!(stdout(&verified).contains("11 files match the manifest; unsigned"));
}

/// The report's first screen says where its evidence came from: a replay of which recording,
/// recorded when; a profile file that changes the built-in edition is named with its hash as
/// not the official checklist. `verify` refuses a manifest edited to claim another account.
#[test]
fn the_report_states_its_provenance_and_verify_cross_checks_the_manifest() {
    let home = tempfile::tempdir().unwrap();
    let (bundle, _) = demo_bundle(home.path(), "bundle", &[]);
    let report = std::fs::read_to_string(bundle.join("report.md")).unwrap();
    let replayed = format!(
        "| Collected by | replay of the recording {}, recorded 2026-12-06T20:18:15Z by \
         rds-evidence 0.1.0, account ids anonymized: nothing was read from AWS |",
        fixture("emulator-demo").display()
    );
    assert!(report.contains(&replayed), "{report}");
    assert!(report.contains("), the built-in edition |"), "{report}");

    let lenient = home.path().join("lenient.toml");
    std::fs::write(
        &lenient,
        rds_evidence_controls::BUILTIN_PROFILE.replace(
            "min_backup_retention_days = 7",
            "min_backup_retention_days = 1",
        ),
    )
    .unwrap();
    let (custom, _) = demo_bundle(
        home.path(),
        "custom",
        &["--checklist", lenient.to_str().unwrap()],
    );
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(custom.join("manifest.json")).unwrap()).unwrap();
    let sha256 = manifest["inputs"]["profile_sha256"].as_str().unwrap();
    let report = std::fs::read_to_string(custom.join("report.md")).unwrap();
    assert!(
        report.contains(&format!(
            "the file {} (SHA-256 {sha256}): NOT the official checklist",
            lenient.display()
        )),
        "{report}"
    );

    let path = bundle.join("manifest.json");
    let edited = std::fs::read_to_string(&path).unwrap().replacen(
        "\"id\": \"000034941834\"",
        "\"id\": \"111122223333\"",
        1,
    );
    std::fs::write(&path, edited).unwrap();
    let output = verify(home.path(), &bundle, &[]);
    assert_eq!(output.status.code(), Some(5));
    assert!(
        stderr(&output)
            .contains("the manifest's account is 111122223333, snapshot.json's 000034941834"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn verify_names_a_changed_byte_a_removed_file_and_an_added_file() {
    let home = tempfile::tempdir().unwrap();
    let (bundle, _) = demo_bundle(home.path(), "bundle", &[]);

    let report = bundle.join("report.md");
    let mut bytes = std::fs::read(&report).unwrap();
    bytes[100] ^= 0x20;
    std::fs::write(&report, bytes).unwrap();
    std::fs::remove_file(bundle.join("diagrams/eu-west-1+us-east-1.svg")).unwrap();
    std::fs::write(bundle.join("diagrams/extra.svg"), "<svg/>").unwrap();

    let output = verify(home.path(), &bundle, &[]);
    assert_eq!(output.status.code(), Some(5));
    let errors = stderr(&output);
    for expected in [
        "report.md: altered",
        "diagrams/eu-west-1+us-east-1.svg: missing",
        "diagrams/extra.svg: added",
        "FAILED verification (3 problem(s))",
    ] {
        assert!(errors.contains(expected), "{expected}: {errors}");
    }
}

#[test]
fn a_signed_bundle_verifies_against_its_key_and_fails_when_altered() {
    let home = tempfile::tempdir().unwrap();
    let key = home.path().join("partner.key");
    let keygen = rds_evidence(home.path())
        .args(["keygen", "--out"])
        .arg(&key)
        .output()
        .unwrap();
    assert_eq!(keygen.status.code(), Some(0), "{}", stderr(&keygen));
    let public = home.path().join("partner.key.pub.pem");
    let key_arg = key.to_str().unwrap();
    let (bundle, _) = demo_bundle(home.path(), "bundle", &["--sign-key", key_arg]);

    let public_arg = public.to_str().unwrap();
    let verified = verify(home.path(), &bundle, &["--public-key", public_arg]);
    assert_eq!(verified.status.code(), Some(0), "{}", stderr(&verified));
    assert!(stdout(&verified).contains("signed by key"));

    let signature = bundle.join("manifest.json.sig");
    let mut bytes = std::fs::read(&signature).unwrap();
    bytes[5] ^= 1;
    std::fs::write(&signature, bytes).unwrap();
    let output = verify(home.path(), &bundle, &[]);
    assert_eq!(output.status.code(), Some(5));
    assert!(stderr(&output).contains("manifest.json.sig: the signature does not match"));

    let (unsigned, _) = demo_bundle(home.path(), "unsigned", &[]);
    let output = verify(home.path(), &unsigned, &["--public-key", public_arg]);
    assert_eq!(output.status.code(), Some(5));
    assert!(stderr(&output).contains("not signed"));
}

#[test]
fn archive_holds_the_bundle_under_its_name() {
    let home = tempfile::tempdir().unwrap();
    let (bundle, output) = demo_bundle(home.path(), "bundle", &["--archive"]);
    let archive = home.path().join("bundle.tar.gz");
    assert!(stdout(&output).contains(&format!("Archive: {}", archive.display())));
    let listing = Command::new("tar")
        .arg("-tzf")
        .arg(&archive)
        .output()
        .unwrap();
    assert!(listing.status.success());
    let mut entries: Vec<String> = stdout(&listing).lines().map(str::to_owned).collect();
    entries.sort();
    let expected: Vec<String> = files_of(&bundle)
        .into_iter()
        .map(|file| format!("bundle/{file}"))
        .collect();
    assert_eq!(entries, expected);
    common::assert_no_secrets(home.path());
}

/// A run killed while writing its archive leaves `.NAME.tar.gz.partial-*`: the next run of
/// that bundle removes it (and nothing else of the directory's).
#[test]
fn a_killed_archive_leaves_no_temporary_file_after_the_next_run() {
    let home = tempfile::tempdir().unwrap();
    let leftover = home.path().join(".bundle.tar.gz.partial-Xk3p9q");
    std::fs::write(&leftover, [0x1f, 0x8b, 0x08]).unwrap();
    let notes = home.path().join("bundle.tar.gz.partial-notes");
    std::fs::write(&notes, "the user's own").unwrap();
    demo_bundle(home.path(), "bundle", &["--archive"]);
    assert!(!leftover.exists());
    assert!(notes.exists());
    assert!(home.path().join("bundle.tar.gz").is_file());
}

/// Runs `collect --replay demo --out OUT` with `extra` arguments; returns the output.
fn collect_into(home: &Path, out: &Path, extra: &[&str]) -> Output {
    rds_evidence(home)
        .args(["collect", "--replay"])
        .arg(fixture("emulator-demo"))
        .arg("--out")
        .arg(out)
        .args(extra)
        .output()
        .unwrap()
}

fn refused(output: &Output, says: &[&str]) {
    let err = stderr(output);
    assert_eq!(output.status.code(), Some(1), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    for needle in says {
        assert!(err.contains(needle), "{needle}: {err}");
    }
}

#[test]
fn a_non_bundle_directory_is_never_overwritten() {
    let home = tempfile::tempdir().unwrap();
    let out = home.path().join("thesis");
    std::fs::create_dir(&out).unwrap();
    std::fs::write(out.join("chapter1.md"), "mine").unwrap();
    refused(
        &collect_into(home.path(), &out, &[]),
        &["is not an rds-evidence bundle", "nothing was written"],
    );
    assert_eq!(files_of(&out), ["chapter1.md"]);

    // A file named manifest.json does not make a bundle, even one that parses as ours.
    let (bundle, _) = demo_bundle(home.path(), "bundle", &["--no-evaluate"]);
    std::fs::copy(bundle.join("manifest.json"), out.join("manifest.json")).unwrap();
    refused(
        &collect_into(home.path(), &out, &[]),
        &["is not an rds-evidence bundle", "snapshot.json: missing"],
    );
    assert_eq!(files_of(&out), ["chapter1.md", "manifest.json"]);
}

/// A bundle with a file added, or one changed, since it was written is no longer the tool's to
/// replace: `collect` and `evaluate` refuse it, and the user's change stays.
#[test]
fn a_bundle_changed_since_it_was_written_is_not_replaced() {
    let home = tempfile::tempdir().unwrap();
    let (bundle, _) = demo_bundle(home.path(), "bundle", &[]);
    std::fs::write(bundle.join("notes.txt"), "reviewer's notes").unwrap();
    refused(
        &collect_into(home.path(), &bundle, &[]),
        &["notes.txt: added after the bundle was written"],
    );
    let evaluate = rds_evidence(home.path())
        .args(["evaluate", "--snapshot"])
        .arg(fixture("emulator-demo-snapshot.json"))
        .arg("--out")
        .arg(&bundle)
        .output()
        .unwrap();
    refused(&evaluate, &["notes.txt: added"]);
    assert_eq!(
        std::fs::read_to_string(bundle.join("notes.txt")).unwrap(),
        "reviewer's notes"
    );

    std::fs::remove_file(bundle.join("notes.txt")).unwrap();
    let report = bundle.join("report.md");
    std::fs::write(&report, "edited by hand").unwrap();
    refused(
        &collect_into(home.path(), &bundle, &[]),
        &["report.md: altered"],
    );
    assert_eq!(std::fs::read_to_string(&report).unwrap(), "edited by hand");
}

/// `--out` inside an earlier bundle would add files to it: refused, the bundle still verifies.
#[test]
fn an_output_inside_an_earlier_bundle_is_refused() {
    let home = tempfile::tempdir().unwrap();
    let (bundle, _) = demo_bundle(home.path(), "bundle", &["--no-evaluate"]);
    for inside in [bundle.join("again"), bundle.join("diagrams/../x/y")] {
        refused(
            &collect_into(home.path(), &inside, &[]),
            &["is inside the rds-evidence bundle", "bundle"],
        );
    }
    // A relative path, from inside the bundle.
    let output = rds_evidence(home.path())
        .current_dir(&bundle)
        .args(["collect", "--replay"])
        .arg(fixture("emulator-demo"))
        .args(["--out", "new"])
        .output()
        .unwrap();
    refused(&output, &["is inside the rds-evidence bundle"]);
    let verified = verify(home.path(), &bundle, &[]);
    assert_eq!(verified.status.code(), Some(0), "{}", stderr(&verified));
}

/// `--archive` replaces `DIR.tar.gz` only when it is an archive of the tool's; a user's file of
/// that name stops the run before it collects.
#[test]
fn an_archive_name_taken_by_someone_else_is_refused() {
    let home = tempfile::tempdir().unwrap();
    let theirs = home.path().join("bundle.tar.gz");
    std::fs::write(&theirs, "someone's backup").unwrap();
    refused(
        &collect_into(home.path(), &home.path().join("bundle"), &["--archive"]),
        &["bundle.tar.gz was not written by rds-evidence"],
    );
    assert_eq!(
        std::fs::read_to_string(&theirs).unwrap(),
        "someone's backup"
    );
    assert!(!home.path().join("bundle").exists());

    // The tool's own archive is replaced by the next run's.
    std::fs::remove_file(&theirs).unwrap();
    demo_bundle(home.path(), "bundle", &["--archive"]);
    let first = std::fs::read(&theirs).unwrap();
    let (_, output) = demo_bundle(home.path(), "bundle", &["--archive"]);
    assert!(stdout(&output).contains("Archive: "), "{}", stdout(&output));
    assert_ne!(std::fs::read(&theirs).unwrap(), first, "a new archive");
}

/// A multi-account `--out` holds the accounts' bundles and one workbook. Run again, it is the
/// tool's and is replaced; a workbook someone saved over, or a file of theirs, stops the run.
#[test]
fn a_multi_account_output_replaces_only_what_the_tool_wrote() {
    let home = tempfile::tempdir().unwrap();
    let recordings = home.path().join("recordings");
    let mut accounts = String::new();
    for id in ["111111111111", "222222222222"] {
        copy_dir(&fixture("emulator-demo"), &recordings.join(id));
        accounts.push_str(&format!(
            "[[account]]\nid = \"{id}\"\nrole_arn = \"arn:aws:iam::{id}:role/Audit\"\n"
        ));
    }
    let accounts_file = home.path().join("accounts.toml");
    std::fs::write(&accounts_file, accounts).unwrap();
    let out = home.path().join("out");
    let run = || {
        rds_evidence(home.path())
            .args(["collect", "--replay"])
            .arg(&recordings)
            .arg("--accounts")
            .arg(&accounts_file)
            .arg("--out")
            .arg(&out)
            .output()
            .unwrap()
    };
    for round in ["first", "second"] {
        let output = run();
        assert_eq!(
            output.status.code(),
            Some(4),
            "{round}: {}",
            stderr(&output)
        );
        assert_eq!(
            std::fs::read_dir(&out).unwrap().count(),
            4,
            "{round}: two bundles, the workbook and its record"
        );
    }
    let workbook = out.join("self-assessment.xlsx");
    std::fs::write(&workbook, "saved over by hand").unwrap();
    refused(
        &run(),
        &["self-assessment.xlsx is not the one rds-evidence wrote"],
    );
    assert_eq!(
        std::fs::read_to_string(&workbook).unwrap(),
        "saved over by hand"
    );

    std::fs::remove_file(&workbook).unwrap();
    std::fs::write(out.join("budget.xlsx"), "theirs").unwrap();
    refused(&run(), &["budget.xlsx is not the tool's"]);
    assert!(out.join("budget.xlsx").exists());
}

/// SIGKILL at points spread over a run that replaces an earlier bundle: afterwards the path
/// holds a bundle that verifies (the earlier or the new one), never a partial one, and the
/// next run tidies whatever the killed one left.
#[cfg(unix)]
#[test]
fn a_killed_run_leaves_the_earlier_bundle_or_the_new_one() {
    let home = tempfile::tempdir().unwrap();
    let started = Instant::now();
    let (bundle, _) = demo_bundle(home.path(), "bundle", &[]);
    let full_run = started.elapsed();
    let earlier = std::fs::read(bundle.join("manifest.json")).unwrap();

    for step in 1..=8u32 {
        let mut child = rds_evidence(home.path())
            .args(["collect", "--replay"])
            .arg(fixture("emulator-demo"))
            .arg("--out")
            .arg(&bundle)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(full_run * step / 8);
        let _ = child.kill();
        let _ = child.wait();
        if bundle.exists() {
            let output = verify(home.path(), &bundle, &[]);
            assert_eq!(
                output.status.code(),
                Some(0),
                "step {step}: {}",
                stderr(&output)
            );
        } else {
            let aside = std::fs::read_dir(home.path())
                .unwrap()
                .filter_map(|e| e.ok())
                .any(|e| {
                    e.file_name()
                        .to_string_lossy()
                        .starts_with(".bundle.previous-")
                });
            assert!(
                aside,
                "step {step}: neither the bundle nor its moved-aside copy"
            );
        }
    }

    demo_bundle(home.path(), "bundle", &[]);
    let output = verify(home.path(), &bundle, &[]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let names: Vec<String> = std::fs::read_dir(home.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.contains("bundle"))
        .collect();
    assert_eq!(names, ["bundle"], "leftovers tidied");
    assert_ne!(
        std::fs::read(bundle.join("manifest.json")).unwrap(),
        earlier
    );
}

/// SIGKILL at points spread over a run into a history store that already holds the account's
/// bundle: afterwards every bundle the store lists verifies, the earlier one is intact or
/// replaced whole, and no partial bundle is ever listed.
#[cfg(unix)]
#[test]
fn a_killed_run_into_a_store_leaves_it_verified() {
    let home = tempfile::tempdir().unwrap();
    let store = home.path().join("store");
    let into_store = || {
        let mut command = rds_evidence(home.path());
        command
            .args(["collect", "--replay"])
            .arg(fixture("emulator-demo"))
            .arg("--store")
            .arg(&store);
        command
    };
    let started = Instant::now();
    let output = into_store().output().unwrap();
    let full_run = started.elapsed();
    assert_eq!(output.status.code(), Some(4), "{}", stderr(&output));
    let account = std::fs::read_dir(&store)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .find(|name| name.chars().all(|c| c.is_ascii_digit()))
        .expect("an account directory");

    for step in 1..=8u32 {
        let mut child = into_store()
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(full_run * step / 8);
        let _ = child.kill();
        let _ = child.wait();
        let history = rds_evidence(home.path())
            .args(["history", &account, "--store"])
            .arg(&store)
            .output()
            .unwrap();
        let listed = stdout(&history);
        if history.status.code() != Some(0) {
            // Killed between moving the earlier bundle aside and installing the new one: the
            // earlier one waits beside it, and the next run puts it back.
            let aside = std::fs::read_dir(store.join(&account)).unwrap().any(|e| {
                e.unwrap()
                    .file_name()
                    .to_string_lossy()
                    .contains(".previous-")
            });
            assert!(aside, "step {step}: {listed}{}", stderr(&history));
            continue;
        }
        assert!(!listed.contains("not verified"), "step {step}: {listed}");
        let index: serde_json::Value =
            serde_json::from_slice(&std::fs::read(store.join("index.json")).unwrap()).unwrap();
        for entry in index["entries"].as_array().unwrap() {
            let listed = entry["path"].as_str().unwrap();
            assert!(
                !listed.split('/').any(|part| part.starts_with('.')),
                "step {step}: a staging directory is listed: {listed}"
            );
            let path = store.join(listed);
            let output = verify(home.path(), &path, &[]);
            assert_eq!(
                output.status.code(),
                Some(0),
                "step {step}: {}",
                stderr(&output)
            );
        }
    }
    let output = into_store().output().unwrap();
    assert_eq!(output.status.code(), Some(4), "{}", stderr(&output));
    let leftovers: Vec<String> = std::fs::read_dir(store.join(&account))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.starts_with('.'))
        .collect();
    assert!(leftovers.is_empty(), "leftovers tidied: {leftovers:?}");
}

/// `fixtures/emulator-demo-snapshot.json` (the bundle crate's test input) is what replaying
/// `fixtures/emulator-demo` gives: `make fixtures` rewrites both.
#[test]
fn the_checked_in_emulator_demo_snapshot_matches_its_recording() {
    let home = tempfile::tempdir().unwrap();
    let (bundle, _) = demo_bundle(home.path(), "bundle", &["--no-evaluate"]);
    let replayed = rds_evidence_bundle::read_snapshot(&bundle.join("snapshot.json")).unwrap();
    let checked_in = rds_evidence_bundle::read_snapshot(
        &workspace_root().join("fixtures/emulator-demo-snapshot.json"),
    )
    .unwrap();
    assert_eq!(comparable(&replayed), comparable(&checked_in));
    assert_eq!(replayed.collected_at, checked_in.collected_at);
    assert_eq!(files_of(&bundle), ["manifest.json", "snapshot.json"]);
}

#[test]
fn attested_documents_are_copied_hashed_and_verified() {
    let home = tempfile::tempdir().unwrap();
    let runbook = home.path().join("dr-runbook.md");
    std::fs::write(
        &runbook,
        "# Failover\nPromote the replica, then repoint the DNS name.\n",
    )
    .unwrap();
    let attestations = home.path().join("attestations.toml");
    std::fs::write(
        &attestations,
        "[controls.\"RDS-009\"]\nstatement = \"Failover rehearsed quarterly.\"\ndocuments = [\"dr-runbook.md\"]\n",
    )
    .unwrap();
    let (bundle, _) = demo_bundle(
        home.path(),
        "bundle",
        &["--attestations", attestations.to_str().unwrap()],
    );
    let copies: Vec<String> = files_of(&bundle)
        .into_iter()
        .filter(|f| f.starts_with("attestations/"))
        .collect();
    assert_eq!(copies.len(), 1, "{copies:?}");
    assert!(copies[0].ends_with("-dr-runbook.md"));
    assert_eq!(
        std::fs::read(bundle.join(&copies[0])).unwrap(),
        std::fs::read(&runbook).unwrap()
    );
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(bundle.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(
        manifest["inputs"]["attestations"]["sha256"]
            .as_str()
            .unwrap()
            .len(),
        64
    );
    let report = std::fs::read_to_string(bundle.join("report.md")).unwrap();
    assert!(report.contains("Failover rehearsed quarterly."));
    let verified = verify(home.path(), &bundle, &[]);
    assert_eq!(verified.status.code(), Some(0), "{}", stderr(&verified));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(bundle.join(&copies[0]))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600, "the copy is its owner's only");
    }
}

/// Attested documents come from the attestations file's directory, or one allowed with
/// `--documents-root`: a `..` escape, an absolute path, a symbolic link leading out and a
/// file under /proc are refused with one line naming the entry, before anything is written;
/// a document above `--max-document-size` too.
#[cfg(unix)]
#[test]
fn attested_documents_outside_their_roots_are_refused() {
    let home = tempfile::tempdir().unwrap();
    let partner = home.path().join("partner");
    let private = home.path().join("private");
    std::fs::create_dir_all(&partner).unwrap();
    std::fs::create_dir_all(&private).unwrap();
    std::fs::write(partner.join("runbook.md"), "# Runbook\n").unwrap();
    std::fs::write(private.join("id_ed25519"), "PRIVATE KEY").unwrap();
    std::os::unix::fs::symlink(private.join("id_ed25519"), partner.join("sop.md")).unwrap();
    let key = private.join("id_ed25519").display().to_string();
    let out = home.path().join("bundle");
    let collect = |document: &str, extra: &[&str]| {
        std::fs::write(
            partner.join("attestations.toml"),
            format!("[controls.\"OPE-002\"]\ndocuments = [{document:?}]\n"),
        )
        .unwrap();
        let attestations = partner.join("attestations.toml");
        collect_into(
            home.path(),
            &out,
            &[&["--attestations", attestations.to_str().unwrap()], extra].concat(),
        )
    };
    for (document, says) in [
        ("../private/id_ed25519", "outside"),
        (key.as_str(), "outside"),
        ("sop.md", "outside"),
        ("/proc/self/environ", "system files are not documents"),
    ] {
        refused(
            &collect(document, &[]),
            &[
                "attestations.toml: control OPE-002: document",
                document,
                says,
            ],
        );
        assert!(!out.exists(), "{document}: nothing written");
    }
    refused(
        &collect("runbook.md", &["--max-document-size", "4"]),
        &["document runbook.md is 10 bytes, more than the 4 allowed"],
    );

    // Allowed explicitly, the linked document is copied, owner-only.
    let output = collect("sop.md", &["--documents-root", private.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(4), "{}", stderr(&output));
    let copy = files_of(&out)
        .into_iter()
        .find(|f| f.ends_with("-sop.md"))
        .expect("a copy of the document");
    assert_eq!(
        std::fs::read_to_string(out.join(copy)).unwrap(),
        "PRIVATE KEY"
    );
}
