//! A disk that fills while the bundle is written: a real small filesystem (a tmpfs mounted in
//! a private user and mount namespace, so no root is needed), not a simulated error. The run
//! fails with one line naming the file and the cause, leaves no partial bundle, and a bundle
//! already at `--out` stays intact and verifiable.

mod common;

use std::path::Path;
use std::process::{Command, Output};

use common::{binary, fixture, sealed, stderr, stdout};

/// Runs `script` with `$DISK` a fresh tmpfs of `size`, `$BIN` the binary and `$DEMO` the demo
/// recording, in namespaces of its own: the filesystem vanishes with the script.
fn on_small_disk(home: &Path, size: &str, script: &str) -> Output {
    let disk = home.join("disk");
    std::fs::create_dir_all(&disk).unwrap();
    let mut command = sealed(Command::new("unshare"), home);
    command
        .args(["--user", "--map-root-user", "--mount", "sh", "-c"])
        .arg(format!(
            "mount -t tmpfs -o size={size} tmpfs \"$DISK\" || exit 99\n{script}"
        ))
        .env("DISK", &disk)
        .env("BIN", binary())
        .env("DEMO", fixture("emulator-demo"));
    let output = command.output().expect("unshare (util-linux) runs");
    assert_ne!(
        output.status.code(),
        Some(99),
        "cannot mount a tmpfs in a user namespace here: {}",
        stderr(&output)
    );
    output
}

fn error_lines(output: &Output) -> Vec<String> {
    stderr(output)
        .lines()
        .filter(|line| line.starts_with("error"))
        .map(str::to_owned)
        .collect()
}

#[test]
fn a_full_disk_fails_the_run_cleanly() {
    // 16 KiB fills on the snapshot, the first file; 256 KiB on a later one.
    for size in ["16k", "256k"] {
        let home = tempfile::tempdir().unwrap();
        let output = on_small_disk(
            home.path(),
            size,
            "\"$BIN\" collect --replay \"$DEMO\" --out \"$DISK/bundle\" >/dev/null\n\
             echo \"exit=$?\"\n\
             echo \"left=$(ls -A \"$DISK\")\"",
        );
        let out = stdout(&output);
        assert!(out.contains("exit=1\n"), "{size}: {out}");
        assert!(out.contains("left=\n"), "{size}: something was left: {out}");
        let errors = error_lines(&output);
        assert_eq!(errors.len(), 1, "{size}: {errors:?}");
        assert!(
            errors[0].contains("cannot write") && errors[0].contains("No space left on device"),
            "{size}: {errors:?}"
        );
        assert!(!stderr(&output).contains("panicked"), "{size}");
    }
}

#[test]
fn a_full_disk_leaves_the_previous_bundle_intact() {
    let home = tempfile::tempdir().unwrap();
    // Room for one demo bundle (about 1 MB), not for the staging of a second beside it.
    let output = on_small_disk(
        home.path(),
        "1400k",
        "\"$BIN\" collect --replay \"$DEMO\" --out \"$DISK/bundle\" >/dev/null 2>&1\n\
         echo \"first=$?\"\n\
         \"$BIN\" collect --replay \"$DEMO\" --out \"$DISK/bundle\" >/dev/null\n\
         echo \"second=$?\"\n\
         \"$BIN\" verify \"$DISK/bundle\" >/dev/null 2>&1\n\
         echo \"verify=$?\"\n\
         echo \"left=$(ls -A \"$DISK\")\"",
    );
    let out = stdout(&output);
    // 4: written with the unknowns the recording keeps.
    assert!(out.contains("first=4\n"), "{out}\n{}", stderr(&output));
    assert!(out.contains("second=1\n"), "{out}");
    assert!(
        out.contains("verify=0\n"),
        "the first bundle no longer verifies: {out}"
    );
    assert!(out.contains("left=bundle\n"), "{out}");
    let errors = error_lines(&output);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(errors[0].contains("No space left on device"), "{errors:?}");
}

/// A disk with room for the bundle but not its archive: the bundle is written and complete,
/// `--archive` fails with exit 6 (not 1, "nothing written") saying so, and leaves no partial
/// archive.
#[test]
fn an_archive_that_does_not_fit_is_exit_6_and_the_bundle_stands() {
    let home = tempfile::tempdir().unwrap();
    let output = on_small_disk(
        home.path(),
        "1400k",
        "\"$BIN\" collect --replay \"$DEMO\" --out \"$DISK/probe\" >/dev/null 2>&1\n\
         used=$(du -sk \"$DISK\" | cut -f1)\n\
         rm -rf \"$DISK/probe\"\n\
         mount -o remount,size=$((used + 24))k \"$DISK\" || exit 98\n\
         \"$BIN\" collect --replay \"$DEMO\" --out \"$DISK/bundle\" --archive >/dev/null\n\
         echo \"exit=$?\"\n\
         \"$BIN\" verify \"$DISK/bundle\" >/dev/null 2>&1\n\
         echo \"verify=$?\"\n\
         echo \"left=$(ls -A \"$DISK\")\"",
    );
    let out = stdout(&output);
    assert!(out.contains("exit=6\n"), "{out}\n{}", stderr(&output));
    assert!(out.contains("verify=0\n"), "{out}");
    assert!(
        out.contains("left=bundle\n"),
        "a partial archive was left: {out}"
    );
    let errors = error_lines(&output);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(
        errors[0].contains("bundle.tar.gz")
            && errors[0].contains("No space left on device")
            && errors[0].contains("is written and complete, only its archive is missing"),
        "{errors:?}"
    );
}
