//! Offline: the collector on recorded fixtures, with no server and no network.

mod common;

use common::{
    collect_snapshot, comparable, copy_dir, fixture, gaps_beyond_emulator, rds_evidence, stderr,
    stdout, EMULATOR_GAPS,
};
use rds_evidence_inventory::FailureKind;

fn replay(name: &str, concurrency: &str) -> rds_evidence_inventory::Snapshot {
    let dir = tempfile::tempdir().unwrap();
    let mut command = rds_evidence(dir.path());
    command
        .args(["collect", "--concurrency", concurrency, "--replay"])
        .arg(fixture(name));
    collect_snapshot(command, &dir.path().join("out")).0
}

#[test]
fn demo_fixture_replays_completely_in_the_recorded_regions() {
    let snapshot = replay("emulator-demo", "16");
    let regions: Vec<&str> = snapshot.regions.iter().map(|r| r.region.as_str()).collect();
    assert_eq!(regions, ["eu-west-1", "us-east-1"]);
    assert_eq!(gaps_beyond_emulator(&snapshot), Vec::<String>::new());
    let east = &snapshot.regions[1];
    assert_eq!(east.db_instances.value().unwrap().len(), 6);
    assert_eq!(east.db_clusters.value().unwrap().len(), 1);
}

#[test]
fn demo_fixture_is_anonymized() {
    let snapshot = replay("emulator-demo", "16");
    let account = &snapshot.account.id;
    assert!(
        account.starts_with("0000") && account != "123456789012",
        "{account}"
    );
    assert!(snapshot.regions.iter().all(|r| r
        .db_instances
        .value()
        .unwrap()
        .iter()
        .all(|i| i.arn.contains(account.as_str()))));
}

/// A replay reaches no network and runs nothing, whatever the environment says: an endpoint,
/// a proxy, container and instance credential endpoints and a profile whose credentials come
/// from a process are all ignored, and the snapshot is the plain replay's.
#[test]
fn a_replay_ignores_every_way_the_environment_points_elsewhere() {
    let home = tempfile::tempdir().unwrap();
    let aws = home.path().join(".aws");
    std::fs::create_dir_all(&aws).unwrap();
    let marker = home.path().join("credential-process-ran");
    std::fs::write(
        aws.join("config"),
        format!(
            "[profile elsewhere]\nregion = ap-south-1\ncredential_process = sh -c 'touch {}'\n",
            marker.display()
        ),
    )
    .unwrap();
    let closed = "http://127.0.0.1:9";
    let out = home.path().join("out");
    let mut command = rds_evidence(home.path());
    command
        .env("AWS_PROFILE", "elsewhere")
        .env("AWS_ENDPOINT_URL", closed)
        .env(
            "AWS_CONTAINER_CREDENTIALS_FULL_URI",
            format!("{closed}/credentials"),
        )
        .env("AWS_EC2_METADATA_DISABLED", "false")
        .env("AWS_EC2_METADATA_SERVICE_ENDPOINT", closed)
        .env("HTTPS_PROXY", closed)
        .env("HTTP_PROXY", closed)
        .args(["collect", "--replay"])
        .arg(fixture("emulator-demo"));
    let (snapshot, _) = collect_snapshot(command, &out);
    assert!(!marker.exists(), "the credential process ran");
    assert_eq!(
        comparable(&snapshot),
        comparable(&replay("emulator-demo", "16"))
    );
}

#[test]
fn replay_does_not_depend_on_concurrency() {
    assert_eq!(
        comparable(&replay("emulator-demo", "1")),
        comparable(&replay("emulator-demo", "32"))
    );
}

/// A copy of a fixture with one recorded response removed.
fn fixture_without(name: &str, relative: &str) -> tempfile::TempDir {
    let copy = tempfile::tempdir().unwrap();
    copy_dir(&fixture(name), copy.path());
    std::fs::remove_file(copy.path().join(relative)).unwrap();
    copy
}

#[test]
fn a_missing_response_fails_naming_the_request() {
    let recording = fixture_without(
        "emulator-demo",
        "us-east-1/rds/DescribeEventSubscriptions.json",
    );
    let out = recording.path().join("out");
    let output = rds_evidence(recording.path())
        .arg("collect")
        .arg("--replay")
        .arg(recording.path())
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{err}");
    assert!(
        err.contains("us-east-1 rds:DescribeEventSubscriptions"),
        "{err}"
    );
    assert!(
        err.contains("--replay-missing=record-as-unavailable"),
        "{err}"
    );
    assert!(!out.exists(), "nothing written on failure");
}

/// A recorded response that is a FIFO or a gigabyte (sparse: nothing to write) fails the run
/// with its path, without waiting on the FIFO or reading the gigabyte.
#[cfg(unix)]
#[test]
fn a_response_file_that_is_no_file_or_too_large_fails_naming_it() {
    const IDENTITY: &str = "us-east-1/sts/GetCallerIdentity.json";
    for (what, says) in [
        ("fifo", "not a regular file"),
        ("gigabyte", "more than the 67108864 this file may hold"),
    ] {
        let recording = fixture_without("emulator-demo", IDENTITY);
        let path = recording.path().join(IDENTITY);
        if what == "fifo" {
            let made = std::process::Command::new("mkfifo").arg(&path).status();
            assert!(made.unwrap().success());
        } else {
            std::fs::File::create(&path)
                .unwrap()
                .set_len(1 << 30)
                .unwrap();
        }
        let out = recording.path().join("out");
        let output = rds_evidence(recording.path())
            .arg("collect")
            .arg("--replay")
            .arg(recording.path())
            .arg("--out")
            .arg(&out)
            .output()
            .unwrap();
        let err = stderr(&output);
        assert_eq!(output.status.code(), Some(1), "{what}: {err}");
        assert!(
            err.contains("GetCallerIdentity.json") && err.contains(says),
            "{what}: {err}"
        );
        assert!(!out.exists(), "{what}: nothing written");
    }
}

/// A recording whose caller identity names another account than its databases' ARNs is
/// replayed, and flagged: in the summary and on the report's first screen.
#[test]
fn a_replay_whose_identity_differs_from_its_arns_is_flagged() {
    const IDENTITY: &str = "us-east-1/sts/GetCallerIdentity.json";
    let recording = fixture_without("emulator-demo", IDENTITY);
    let original = std::fs::read_to_string(fixture("emulator-demo").join(IDENTITY)).unwrap();
    std::fs::write(
        recording.path().join(IDENTITY),
        original.replace("000034941834", "555566667777"),
    )
    .unwrap();
    let out = recording.path().join("out");
    let output = rds_evidence(recording.path())
        .arg("collect")
        .arg("--replay")
        .arg(recording.path())
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(4), "{}", stderr(&output));
    let warning = "belong to account(s) 000034941834, not to 555566667777, the account the \
                   caller identity names";
    assert!(stdout(&output).contains(warning), "{}", stdout(&output));
    let report = std::fs::read_to_string(out.join("report.md")).unwrap();
    assert!(
        report.contains(warning) && report.contains("the recording may have been edited"),
        "{report}"
    );
}

#[test]
fn a_missing_response_can_be_recorded_as_unavailable() {
    let recording = fixture_without(
        "emulator-demo",
        "us-east-1/rds/DescribeEventSubscriptions.json",
    );
    let out = recording.path().join("out");
    let output = rds_evidence(recording.path())
        .arg("collect")
        .arg("--replay")
        .arg(recording.path())
        .args(["--replay-missing", "record-as-unavailable"])
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(4), "{}", stderr(&output));
    assert!(stdout(&output).contains("Unknown: "), "{}", stdout(&output));
    let snapshot = rds_evidence_bundle::read_snapshot(&out.join("snapshot.json")).unwrap();
    let gaps: Vec<_> = snapshot
        .gaps()
        .into_iter()
        .filter(|g| !EMULATOR_GAPS.contains(&g.why.action.as_str()))
        .collect();
    assert_eq!(
        gaps.len(),
        1,
        "only what depends on the missing response: {gaps:?}"
    );
    assert_eq!(gaps[0].subject, "event_subscriptions");
    assert_eq!(gaps[0].why.kind, FailureKind::NotSupported);
    assert_eq!(gaps[0].why.action, "rds:DescribeEventSubscriptions");
}

#[test]
fn replay_needs_a_recording() {
    let dir = tempfile::tempdir().unwrap();
    let output = rds_evidence(dir.path())
        .arg("collect")
        .arg("--replay")
        .arg(dir.path())
        .args(["--out", "unused"])
        .output()
        .unwrap();
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{err}");
    assert!(
        err.contains("recording.json") && err.contains("--record"),
        "{err}"
    );
}

#[test]
fn no_fixture_contains_credentials_or_passwords() {
    let scanned = common::assert_no_secrets(&common::workspace_root().join("fixtures"));
    assert!(scanned > 10, "fixtures are checked in");
}

/// `fixtures/real-shapes` is hand-written in the wire formats of real AWS, which the emulator
/// does not produce: pagination by marker, engine-default parameters, certificate details,
/// Performance Insights, AWS-managed keys.
mod real_shapes {
    use super::replay;
    use rds_evidence_inventory::rds::DbInstance;
    use rds_evidence_inventory::{RegionSnapshot, Snapshot};
    use std::sync::OnceLock;

    fn snapshot() -> &'static Snapshot {
        static SNAPSHOT: OnceLock<Snapshot> = OnceLock::new();
        SNAPSHOT.get_or_init(|| replay("real-shapes", "16"))
    }

    fn region() -> &'static RegionSnapshot {
        &snapshot().regions[0]
    }

    fn instance(id: &str) -> &'static DbInstance {
        region()
            .db_instances
            .value()
            .unwrap()
            .iter()
            .find(|i| i.identifier == id)
            .unwrap()
    }

    fn calls(action: &str) -> usize {
        snapshot()
            .calls
            .iter()
            .filter(|c| c.action == action)
            .count()
    }

    #[test]
    fn opt_in_regions_not_enabled_are_named() {
        assert_eq!(
            snapshot().disabled_regions,
            ["af-south-1", "ap-east-1", "me-south-1"]
        );
    }

    #[test]
    fn every_page_of_instances_is_read() {
        assert_eq!(region().db_instances.value().unwrap().len(), 3);
        assert_eq!(calls("rds:DescribeDBInstances"), 2);
        assert!(snapshot().gaps().is_empty(), "{:?}", snapshot().gaps());
    }

    #[test]
    fn fields_the_emulator_never_returns() {
        let orders = instance("orders-pg");
        assert_eq!(orders.monitoring.performance_insights_enabled, Some(true));
        assert_eq!(
            orders.secondary_availability_zone.as_deref(),
            Some("us-east-1b")
        );
        assert_eq!(orders.backup.cross_region_replications.len(), 1);
        assert_eq!(
            orders
                .master_user_secret
                .as_ref()
                .unwrap()
                .status
                .as_deref(),
            Some("active")
        );
        let ca = instance("legacy-sqlserver")
            .ca_certificate
            .as_ref()
            .unwrap();
        assert_eq!(ca.identifier, "rds-ca-2019");
        assert_eq!(ca.valid_till.as_deref(), Some("2024-08-22T17:08:50Z"));
        assert_eq!(instance("legacy-sqlserver").port, Some(1433));
    }

    #[test]
    fn parameters_across_pages_with_sources_and_apply_types() {
        let group = |name: &str| {
            region()
                .parameter_groups
                .iter()
                .find(|g| g.name == name)
                .unwrap()
        };
        // Three pages for orders-pg15, one each for the other two groups.
        assert_eq!(calls("rds:DescribeDBParameters"), 5);
        let orders = group("orders-pg15");
        assert!(orders.parameters.value().unwrap().len() > 20);
        assert_eq!(orders.value_of("rds.force_ssl"), Some("1"));
        let sqlserver = group("default.sqlserver-se-15.0");
        let force_ssl = sqlserver
            .parameters
            .value()
            .unwrap()
            .iter()
            .find(|p| p.name == "rds.force_ssl")
            .unwrap();
        assert_eq!(force_ssl.value.as_deref(), Some("0"));
        assert_eq!(force_ssl.source.as_deref(), Some("engine-default"));
        assert_eq!(force_ssl.apply_type.as_deref(), Some("static"));
        assert_eq!(
            group("reports-mysql80").value_of("require_secure_transport"),
            Some("ON")
        );
    }

    #[test]
    fn alarms_over_rpc_v2_cbor() {
        let alarms = region().alarms.value().unwrap();
        let names: Vec<&str> = alarms.iter().map(|a| a.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "orders-pg-cpu-high",
                "orders-pg-free-storage-low",
                "reports-mysql-connections"
            ]
        );
        let storage = &alarms[1];
        assert_eq!(storage.threshold, Some(21_474_836_480.0));
        assert_eq!(storage.comparison.as_deref(), Some("LessThanThreshold"));
        assert_eq!(storage.dimensions["DBInstanceIdentifier"], "orders-pg");
        assert!(!alarms[2].actions_enabled);
    }

    #[test]
    fn customer_and_aws_managed_keys() {
        let keys = &region().kms_keys;
        assert_eq!(keys.len(), 2);
        let manager = |k: &rds_evidence_inventory::kms::KmsKey| {
            k.metadata.value().unwrap().key_manager.clone().unwrap()
        };
        let customer = keys.iter().find(|k| manager(k) == "CUSTOMER").unwrap();
        assert_eq!(customer.tags.value().unwrap()["Environment"], "prod");
        let aws = keys.iter().find(|k| manager(k) == "AWS").unwrap();
        assert_eq!(aws.aliases.value().unwrap(), &["alias/aws/rds"]);
        assert_eq!(
            calls("kms:ListResourceTags"),
            1,
            "AWS-managed keys carry no tags"
        );
        assert_eq!(
            customer.metadata.value().unwrap().created_at.as_deref(),
            Some("2023-03-14T09:00:01Z"),
            "fractional epoch seconds, to the second"
        );
    }
}

/// `fixtures/large`: 300 instances over two regions, recorded from the emulator fleet of
/// `tests/emulator/build_fleet.py --instances 300` (`make fixtures` regenerates it).
#[test]
fn large_fleet_costs_list_pages_plus_one_call_per_shared_thing() {
    let snapshot = replay("large", "16");
    let mut total = 0;
    for region in &snapshot.regions {
        let calls = |action: &str| {
            snapshot
                .calls
                .iter()
                .filter(|c| c.region == region.region && c.action == action)
                .count()
        };
        let instances = region.db_instances.value().unwrap();
        total += instances.len();
        assert_eq!(
            calls("rds:DescribeDBInstances"),
            instances.len().div_ceil(100)
        );
        let groups: std::collections::BTreeSet<&str> = instances
            .iter()
            .flat_map(|i| i.parameter_groups.iter().map(|g| g.name.as_str()))
            .collect();
        assert!(groups.len() < 10 && instances.len() > 100);
        assert_eq!(calls("rds:DescribeDBParameters"), groups.len());
        let manual = region
            .db_snapshots
            .value()
            .unwrap()
            .iter()
            .filter(|s| s.is_manual())
            .count();
        assert_eq!(calls("rds:DescribeDBSnapshotAttributes"), manual);
    }
    assert_eq!(total, 300);
    // The emulator names a cluster parameter group it does not have: recorded as not found.
    // The fleet never generated a credential report.
    let gaps: Vec<_> = snapshot
        .gaps()
        .into_iter()
        .filter(|g| !EMULATOR_GAPS.contains(&g.why.action.as_str()))
        .filter(|g| g.why.action != "iam:GetCredentialReport")
        .collect();
    assert_eq!(gaps.len(), 2, "{gaps:?}");
    assert!(gaps
        .iter()
        .all(|g| g.subject == "parameters of default.aurora8.0"
            && g.why.kind == FailureKind::NotFound));
}

/// The demo estate's verdicts, written from how `tests/emulator/build_estate.py` builds it:
/// prod-postgres is the well-run database (Multi-AZ, encrypted with the rotated prod key,
/// TLS forced, 7-day backups, replicas in another AZ and in eu-west-1); dev-mysql is the
/// careless one (public, unencrypted, open security group, TLS off, 1-day backups); dev-postgres
/// is encrypted with a dev key whose policy grants `*` and that does not rotate, and shares the
/// prod subnets and security group; prod-aurora is an encrypted Aurora cluster of two members.
/// The emulator never reports Performance Insights or CA certificate expiry.
mod demo_verdicts {
    use std::collections::BTreeMap;
    use std::sync::OnceLock;

    use super::{fixture, rds_evidence, stderr};
    use rds_evidence_controls::{ControlVerdict, Finding, Outcome, Verdict};

    struct Evaluated {
        findings: Vec<Finding>,
        controls: Vec<ControlVerdict>,
        snapshot: rds_evidence_inventory::Snapshot,
    }

    fn evaluated() -> &'static Evaluated {
        static EVALUATED: OnceLock<Evaluated> = OnceLock::new();
        EVALUATED.get_or_init(|| {
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
            let read = |name: &str| std::fs::read(out.join(name)).unwrap();
            Evaluated {
                findings: serde_json::from_slice(&read("findings.json")).unwrap(),
                controls: serde_json::from_slice(&read("controls.json")).unwrap(),
                snapshot: rds_evidence_bundle::read_snapshot(&out.join("snapshot.json")).unwrap(),
            }
        })
    }

    /// Outcomes of one check by resource id (keys by alias, automated snapshots left out).
    fn outcomes(check: &str) -> BTreeMap<String, Outcome> {
        let aliases: BTreeMap<&str, &str> = evaluated()
            .snapshot
            .regions
            .iter()
            .flat_map(|r| &r.kms_keys)
            .filter_map(|k| Some((k.arn.as_str(), k.aliases.value()?.first()?.as_str())))
            .collect();
        evaluated()
            .findings
            .iter()
            .filter(|f| f.check == check && !f.resource.id.starts_with("rds:"))
            .map(|f| {
                let id = aliases
                    .get(f.resource.id.as_str())
                    .copied()
                    .unwrap_or(&f.resource.id);
                (id.to_owned(), f.outcome)
            })
            .collect()
    }

    fn expect(check: &str, expected: &[(&str, Outcome)]) {
        let expected: BTreeMap<String, Outcome> = expected
            .iter()
            .map(|(id, o)| (id.to_string(), *o))
            .collect();
        assert_eq!(outcomes(check), expected, "{check}");
    }

    use Outcome::{Fail, InsufficientEvidence as Unknown, NotApplicable as NA, Observation, Pass};

    const INSTANCES: [&str; 7] = [
        "dev-mysql",
        "dev-postgres",
        "prod-aurora-1",
        "prod-aurora-2",
        "prod-postgres",
        "prod-postgres-dr",
        "prod-postgres-replica",
    ];

    #[test]
    fn encryption_keys_and_tls() {
        expect(
            "rds.instance.storage_encrypted",
            &[
                ("dev-mysql", Fail),
                ("dev-postgres", Pass),
                ("prod-aurora-1", NA),
                ("prod-aurora-2", NA),
                ("prod-postgres", Pass),
                ("prod-postgres-dr", Pass),
                ("prod-postgres-replica", Pass),
            ],
        );
        expect("rds.cluster.storage_encrypted", &[("prod-aurora", Pass)]);
        expect(
            "kms.key.rotation_enabled",
            &[
                ("alias/dev-db", Fail),
                ("alias/prod-db", Pass),
                ("alias/dr-db", Pass),
            ],
        );
        expect(
            "kms.key.policy_not_public",
            &[
                ("alias/dev-db", Fail),
                ("alias/prod-db", Pass),
                ("alias/dr-db", Pass),
            ],
        );
        // dev-postgres runs on default.postgres16, whose engine default forces TLS.
        expect(
            "rds.tls.enforced",
            &[
                ("dev-mysql", Fail),
                ("dev-postgres", Pass),
                ("prod-aurora", Pass),
                ("prod-aurora-1", NA),
                ("prod-aurora-2", NA),
                ("prod-postgres", Pass),
                ("prod-postgres-dr", Pass),
                ("prod-postgres-replica", Pass),
            ],
        );
        // The engines' own password storage, from the same recorded parameter groups: moto's
        // MySQL 8.0 group leaves default_authentication_plugin to RDS's default.
        expect(
            "rds.database.password_policy",
            &[
                ("dev-mysql", Fail),
                ("dev-postgres", Observation),
                ("prod-aurora", Observation),
                ("prod-aurora-1", NA),
                ("prod-aurora-2", NA),
                ("prod-postgres", Observation),
                ("prod-postgres-dr", NA),
                ("prod-postgres-replica", NA),
            ],
        );
        let unknown: Vec<(&str, Outcome)> = INSTANCES.iter().map(|i| (*i, Unknown)).collect();
        expect("rds.instance.ca_certificate_valid", &unknown);
        expect("rds.instance.performance_insights", &unknown);
    }

    #[test]
    fn network_exposure() {
        let only_dev_mysql = |outcome_of_others| -> Vec<(&str, Outcome)> {
            INSTANCES
                .iter()
                .map(|i| {
                    (
                        *i,
                        if *i == "dev-mysql" {
                            Fail
                        } else {
                            outcome_of_others
                        },
                    )
                })
                .collect()
        };
        expect("rds.instance.not_publicly_reachable", &only_dev_mysql(Pass));
        let mut nacl = only_dev_mysql(Pass);
        // The DR VPC keeps its default NACL, which allows everything.
        nacl.iter_mut()
            .filter(|(id, _)| *id == "prod-postgres-dr")
            .for_each(|entry| entry.1 = Fail);
        expect("network.nacl.db_port_restricted", &nacl);
        let all_pass: Vec<(&str, Outcome)> = INSTANCES.iter().map(|i| (*i, Pass)).collect();
        expect("network.security_group.default_unused", &all_pass);
        expect(
            "rds.snapshot.not_public",
            &[
                ("dev-mysql-public-snap", Fail),
                ("prod-aurora-manual-snap", Pass),
                ("prod-postgres-manual-snap", Pass),
                ("prod-postgres-shared-snap", Pass),
            ],
        );
        expect(
            "rds.snapshot.not_shared_outside_account",
            &[
                ("dev-mysql-public-snap", Fail),
                ("prod-aurora-manual-snap", Pass),
                ("prod-postgres-manual-snap", Pass),
                ("prod-postgres-shared-snap", Fail),
            ],
        );
        expect(
            "segregation.network.prod_nonprod_separated",
            &[("eu-west-1", NA), ("us-east-1", Fail)],
        );
    }

    #[test]
    fn availability_and_backups_judged_where_they_live() {
        // Aurora members and read replicas are judged on their cluster or source.
        let primaries = |dev: Outcome, prod: Outcome, aurora: Outcome| {
            vec![
                ("dev-mysql", dev),
                ("dev-postgres", dev),
                ("prod-aurora", aurora),
                ("prod-aurora-1", NA),
                ("prod-aurora-2", NA),
                ("prod-postgres", prod),
                ("prod-postgres-dr", NA),
                ("prod-postgres-replica", NA),
            ]
        };
        expect("rds.database.multi_az", &primaries(Fail, Pass, Pass));
        expect(
            "rds.database.backup_retention",
            &primaries(Fail, Pass, Pass),
        );
        expect(
            "rds.database.deletion_protection",
            &primaries(Fail, Pass, Pass),
        );
        expect(
            "rds.database.replica_in_other_az",
            &primaries(Fail, Pass, Pass),
        );
        expect(
            "rds.database.cross_region_recovery",
            &primaries(Fail, Pass, Fail),
        );
        expect(
            "rds.database.point_in_time_recovery_current",
            &primaries(Pass, Pass, Pass),
        );
        // Judged per database: the instance subscription covers neither the Aurora cluster
        // (db-cluster events) nor anything in eu-west-1 (subscriptions are regional).
        expect(
            "rds.events.failure_subscription",
            &[
                ("dev-mysql", Pass),
                ("dev-postgres", Pass),
                ("prod-aurora", Fail),
                ("prod-aurora-1", NA),
                ("prod-aurora-2", NA),
                ("prod-postgres", Pass),
                ("prod-postgres-dr", Fail),
                ("prod-postgres-replica", Pass),
            ],
        );
    }

    #[test]
    fn every_control_verdict() {
        let verdicts: BTreeMap<&str, Verdict> = evaluated()
            .controls
            .iter()
            .map(|c| (c.control.as_str(), c.verdict))
            .collect();
        use Verdict::*;
        let mut expected = BTreeMap::from([
            ("RDS-003", PartiallyMet),
            // prod-postgres-dr shows cross-region recovery; the document of the chosen use
            // case is missing.
            ("RDS-005", NeedsAttestation),
            ("RDS-006", PartiallyMet),
            ("RDS-007", PartiallyMet),
            // Production only: prod-postgres and prod-aurora are Multi-AZ with backups; the
            // eu-west-1 region has no failure subscription.
            ("RDS-009", PartiallyMet),
            ("NETSEC-001", PartiallyMet),
            // dev-mysql and a snapshot are unencrypted, and the CA certificates are unknown: a
            // failure beside unknowns is not met.
            ("NETSEC-002", NotMet),
            // Backups and point-in-time recovery of production pass; targets are undeclared
            // (observations), so the partner's resilience guidance is what is missing.
            ("REL-002", NeedsAttestation),
            // dev-trail's bucket is open and the root has no MFA; the contacts are unknown.
            ("ACCT-001", NotMet),
            // AdminEverything allows every action; federation and keys are in order.
            ("ACCT-002", PartiallyMet),
            // prod-postgres exports no logs; alarms and metrics are unknown.
            ("OPE-001", NotMet),
            // No database is in a stack (demo-db-stack owns a parameter group only) or tagged.
            ("REL-001", NotMet),
            // The required evidence is CloudWatch metrics, which the emulator does not serve:
            // unknown, never passed over.
            ("RDS-001", InsufficientEvidence),
            ("RDS-002", InsufficientEvidence),
            ("RDS-004", InsufficientEvidence),
            // Only recommended checks: the databases exist, the documents decide.
            ("RDS-008", NeedsAttestation),
            ("DOC-001", NeedsAttestation),
            ("COST-001", NeedsAttestation),
            // Production databases' connections come from CloudWatch: unknown here.
            ("2.1", InsufficientEvidence),
            // No case study, so no engine claimed: nothing to judge.
            ("4.1", InsufficientEvidence),
        ]);
        // Nothing the account shows speaks to these: only the partner's documents can.
        for documentary in [
            "1.1", "1.2", "1.3", "2.2", "3.1", "4.2", "OPE-002", "OPE-003",
        ] {
            expected.insert(documentary, NeedsAttestation);
        }
        assert_eq!(verdicts, expected);
    }
}
