//! Bad input and unusable environments: one clear line on stderr, a non-zero exit, no panic,
//! nothing written. None of these needs the emulator.

mod common;

use common::{rds_evidence, rds_evidence_with_credentials, stderr};

fn assert_one_line_error(output: &std::process::Output, code: i32, needle: &str) {
    let err = stderr(output);
    assert_eq!(output.status.code(), Some(code), "stderr: {err}");
    assert!(err.contains(needle), "expected {needle:?} in: {err}");
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn malformed_role_arn_is_refused_before_any_request() {
    let home = tempfile::tempdir().unwrap();
    let out = home.path().join("out");
    let output = rds_evidence_with_credentials(home.path())
        .args([
            "collect",
            "--regions",
            "us-east-1",
            "--role-arn",
            "arn:aws:iam::12:role/x",
        ])
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    assert_one_line_error(
        &output,
        2,
        "'arn:aws:iam::12:role/x' is not an IAM role ARN",
    );
    assert!(stderr(&output).contains("--role-arn"));
    assert!(!out.exists());
}

#[test]
fn malformed_region_is_named() {
    let home = tempfile::tempdir().unwrap();
    let output = rds_evidence_with_credentials(home.path())
        .args(["collect", "--regions", "us-east-1,mars", "--out", "unused"])
        .output()
        .unwrap();
    assert_one_line_error(&output, 2, "'mars' is not an AWS region name");
}

#[test]
fn external_id_without_role_is_a_usage_error() {
    let home = tempfile::tempdir().unwrap();
    let output = rds_evidence_with_credentials(home.path())
        .args(["collect", "--external-id", "abc123", "--out", "unused"])
        .output()
        .unwrap();
    assert_one_line_error(&output, 2, "--role-arn");
}

#[test]
fn missing_credentials_say_how_to_provide_them() {
    let home = tempfile::tempdir().unwrap();
    let out = home.path().join("out");
    let output = rds_evidence(home.path())
        .args([
            "collect",
            "--regions",
            "us-east-1",
            "--endpoint-url",
            "http://127.0.0.1:9",
        ])
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    assert_one_line_error(&output, 1, "no AWS credentials found");
    assert_eq!(stderr(&output).lines().count(), 1, "{}", stderr(&output));
    assert!(!out.exists());
}

#[test]
fn missing_region_says_how_to_set_one() {
    let home = tempfile::tempdir().unwrap();
    let output = rds_evidence_with_credentials(home.path())
        .args([
            "collect",
            "--endpoint-url",
            "http://127.0.0.1:9",
            "--out",
            "unused",
        ])
        .output()
        .unwrap();
    assert_one_line_error(&output, 1, "no AWS region");
}

#[test]
fn unreachable_endpoint_is_named() {
    // Bind then drop a listener: the port is free and nothing answers on it.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let endpoint = format!("http://127.0.0.1:{port}");
    let home = tempfile::tempdir().unwrap();
    let out = home.path().join("out");
    let output = rds_evidence_with_credentials(home.path())
        .args(["collect", "--regions", "us-east-1", "--max-attempts", "1"])
        .args(["--endpoint-url", &endpoint])
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    assert_one_line_error(&output, 1, &format!("cannot reach AWS at {endpoint}"));
    assert_eq!(stderr(&output).lines().count(), 1, "{}", stderr(&output));
    assert!(!out.exists());
}

#[test]
fn endpoint_must_be_a_url() {
    let home = tempfile::tempdir().unwrap();
    let output = rds_evidence_with_credentials(home.path())
        .args([
            "collect",
            "--endpoint-url",
            "localhost:4566",
            "--out",
            "unused",
        ])
        .output()
        .unwrap();
    assert_one_line_error(
        &output,
        2,
        "'localhost:4566' is not an http:// or https:// URL",
    );
}

#[test]
fn help_documents_exit_codes() {
    let home = tempfile::tempdir().unwrap();
    let output = rds_evidence(home.path())
        .args(["collect", "--help"])
        .output()
        .unwrap();
    let help = common::stdout(&output);
    assert!(help.contains("Exit codes:") && help.contains("4  written, but some data"));
}
