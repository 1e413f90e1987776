//! Properties of the rollup over generated snapshots, so that whole classes of false "met"
//! cannot come back: less evidence never claims more, one more failing database never claims
//! more, no database means no database claim, and an attestation never turns an observed
//! failure or unknown into met.

use std::collections::BTreeMap;

use proptest::prelude::*;
use proptest::sample::Index;
use rds_evidence_inventory::activity::{DbMetrics, MetricSummary};
use rds_evidence_inventory::network::{Peer, RouteTarget};
use rds_evidence_inventory::rds::{DbInstance, ExcludedResource, Tags};
use rds_evidence_inventory::{Observed, Snapshot};
use serde_json::Value;

use crate::testing::*;
use crate::verdict::about_databases;
use crate::{evaluate, Attestations, ControlAttestation, Evaluation, Profile, Verdict};

/// What varies between generated databases.
#[derive(Debug, Clone)]
struct Recipe {
    /// 0 production, 1 development, 2 untagged, 3 a value neither list knows.
    environment: u8,
    encrypted: bool,
    /// 0 the production key, 1 the development key, 2 the AWS-managed key, 3 a key the
    /// snapshot does not hold.
    key: u8,
    multi_az: bool,
    /// 0 off, 1 on, 2 not reported.
    public: u8,
    /// 0 `sg-db`, 1 `sg-dev`, 2 `sg-open` (5432 from anywhere), 3 none reported, 4 the VPC's
    /// default group.
    security_group: u8,
    /// 0 the private subnets, 1 the public ones.
    public_subnets: bool,
    backups: bool,
    /// A read replica of the first database.
    replica: bool,
    /// Metrics over so many days (0: none).
    metric_days: u8,
}

/// Mostly well-built databases, so that controls sit near "met", where one unknown or one
/// failure decides; the rest random.
fn recipe() -> impl Strategy<Value = Recipe> {
    (
        prop::bool::weighted(0.7),
        (0u8..4, any::<bool>(), 0u8..4, any::<bool>(), 0u8..3),
        (0u8..5, any::<bool>(), any::<bool>(), any::<bool>(), 0u8..15),
    )
        .prop_map(
            |(
                good,
                (environment, encrypted, key, multi_az, public),
                (security_group, public_subnets, backups, replica, metric_days),
            )| {
                let random = Recipe {
                    environment,
                    encrypted,
                    key,
                    multi_az,
                    public,
                    security_group,
                    public_subnets,
                    backups,
                    replica,
                    metric_days,
                };
                if good {
                    Recipe {
                        environment: environment % 2,
                        encrypted: true,
                        key: key % 2,
                        multi_az: true,
                        public: 0,
                        security_group: security_group % 2,
                        public_subnets: false,
                        backups: true,
                        metric_days: 14,
                        ..random
                    }
                } else {
                    random
                }
            },
        )
}

fn database(index: usize, recipe: &Recipe) -> DbInstance {
    let mut db = instance(&format!("db-{index}"));
    db.tags = match recipe.environment {
        0 => tags("production"),
        1 => tags("development"),
        2 => Tags::new(),
        _ => tags("shared"),
    };
    db.storage.encrypted = recipe.encrypted;
    db.storage.kms_key_id = recipe.encrypted.then(|| match recipe.key {
        0 => key_arn("prod"),
        1 => key_arn("dev"),
        2 => key_arn("aws-rds"),
        _ => key_arn("gone"),
    });
    db.multi_az = recipe.multi_az;
    if !recipe.multi_az {
        db.secondary_availability_zone = None;
    }
    db.publicly_accessible = match recipe.public {
        0 => Some(false),
        1 => Some(true),
        _ => None,
    };
    db.vpc_security_groups = match recipe.security_group {
        0 => vec!["sg-db".to_owned()],
        1 => vec!["sg-dev".to_owned()],
        2 => vec!["sg-open".to_owned()],
        3 => Vec::new(),
        _ => vec!["sg-default".to_owned()],
    };
    if recipe.public_subnets {
        db.subnet_group = Some("public".to_owned());
    }
    if !recipe.backups {
        db.backup.retention_days = 0;
        db.backup.latest_restorable_time = None;
    }
    db
}

/// `us-east-1` with these databases in a network of private and public subnets, the keys
/// they may use, metrics, and an empty `eu-west-1`.
fn estate(recipes: &[Recipe]) -> Snapshot {
    let mut instances: Vec<DbInstance> = recipes
        .iter()
        .enumerate()
        .map(|(index, recipe)| database(index, recipe))
        .collect();
    for (index, recipe) in recipes.iter().enumerate().skip(1) {
        if recipe.replica {
            let source = instances[0].identifier.clone();
            instances[index].replica_source = Some(source.clone());
            let replica = instances[index].identifier.clone();
            instances[0].read_replicas.push(replica);
        }
    }
    let mut s = networked(instances);
    let east = &mut s.regions[0];
    items_mut(&mut east.db_subnet_groups).push(db_subnet_group(
        "public",
        "vpc-prod",
        &["subnet-pub"],
    ));
    items_mut(&mut east.network.route_tables).push(route_table(
        "rtb-pub",
        "vpc-prod",
        false,
        &["subnet-pub"],
        vec![route_to(
            "0.0.0.0/0",
            RouteTarget::InternetGateway("igw-1".to_owned()),
        )],
    ));
    let groups = items_mut(&mut east.network.security_groups);
    groups.push(vpc_security_group("sg-dev", "dev-db", Vec::new()));
    groups.push(vpc_security_group("sg-default", "default", Vec::new()));
    groups.push(vpc_security_group(
        "sg-open",
        "open",
        vec![tcp_from(5432, Peer::Ipv4Cidr("0.0.0.0/0".to_owned()))],
    ));
    let mut aws_managed = kms_key("aws-rds");
    if let Observed::Value(meta) = &mut aws_managed.metadata {
        meta.key_manager = Some("AWS".to_owned());
    }
    aws_managed.rotation_enabled = Observed::Value(false);
    east.kms_keys = vec![kms_key("prod"), kms_key("dev"), aws_managed];
    east.metrics = Observed::Value(
        recipes
            .iter()
            .enumerate()
            .filter(|(_, recipe)| recipe.metric_days > 0)
            .map(|(index, recipe)| metrics(&format!("db-{index}"), recipe.metric_days.into()))
            .collect(),
    );
    s.regions.push(region("eu-west-1"));
    s
}

fn metrics(id: &str, days: u32) -> DbMetrics {
    let summary = |value: f64, slope: Option<f64>| MetricSummary {
        min: value,
        max: value,
        average: value,
        p95: value,
        slope_per_day: slope,
        days,
    };
    DbMetrics {
        dimension: "DBInstanceIdentifier".to_owned(),
        id: id.to_owned(),
        metrics: BTreeMap::from([
            ("CPUUtilization".to_owned(), summary(35.0, None)),
            ("DatabaseConnections".to_owned(), summary(40.0, None)),
            (
                "FreeStorageSpace".to_owned(),
                summary(50.0 * 1024.0 * 1024.0 * 1024.0, Some(-1e8)),
            ),
        ]),
    }
}

/// The database that fails whatever judges it: unencrypted, public, alone in its zone,
/// without backups, monitoring or alarms. It shares the first database's subnets and security
/// groups, so that it is never what makes two environments look apart.
fn worst_database(s: &Snapshot, environment: u8) -> DbInstance {
    let first = s.regions[0]
        .db_instances
        .value()
        .and_then(|dbs| dbs.first());
    let mut db = database(
        99,
        &Recipe {
            environment,
            encrypted: false,
            key: 0,
            multi_az: false,
            public: 1,
            security_group: 2,
            public_subnets: true,
            backups: false,
            replica: false,
            metric_days: 0,
        },
    );
    if let Some(first) = first {
        db.subnet_group = first.subnet_group.clone();
        db.vpc_security_groups
            .extend(first.vpc_security_groups.iter().cloned());
    }
    db.deletion_protection = false;
    db.iam_database_authentication = false;
    db.auto_minor_version_upgrade = false;
    db.monitoring.enhanced_monitoring_interval_s = Some(0);
    db.monitoring.performance_insights_enabled = Some(false);
    db.log_exports.clear();
    db
}

/// Every control of the profile attested, the migration use case of RDS-005 included.
fn everything_attested(profile: &Profile) -> Attestations {
    let mut attestations = Attestations::default();
    for control in &profile.controls {
        attestations.controls.insert(
            control.id.clone(),
            ControlAttestation {
                statement: Some("we do this".to_owned()),
                documents: Vec::new(),
                use_case: control.documented_use_cases.first().map(|u| u.id.clone()),
            },
        );
    }
    attestations.targets.rpo_minutes = Some(60);
    attestations.targets.rto_minutes = Some(240);
    attestations
}

/// The demo account, as collected from the emulator: real shapes the generator lacks.
fn demo_snapshot() -> Snapshot {
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/demo-snapshot.json");
    serde_json::from_str(&std::fs::read_to_string(path).expect("demo snapshot"))
        .expect("demo snapshot parses")
}

/// JSON pointers of every `Observed` value in `value` (an object whose only key is `value`).
fn observed_values(value: &Value, at: String, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            if map.len() == 1 && map.contains_key("value") {
                out.push(at.clone());
            }
            for (key, child) in map {
                observed_values(
                    child,
                    format!("{at}/{}", key.replace('~', "~0").replace('/', "~1")),
                    out,
                );
            }
        }
        Value::Array(items) => {
            for (index, child) in items.iter().enumerate() {
                observed_values(child, format!("{at}/{index}"), out);
            }
        }
        _ => {}
    }
}

/// `s` once per observed value, with that one value made unknown: `(where, snapshot)`.
fn each_one_unknown(s: &Snapshot) -> Vec<(String, Snapshot)> {
    let json = serde_json::to_value(s).unwrap();
    let mut pointers = Vec::new();
    observed_values(&json, String::new(), &mut pointers);
    pointers
        .into_iter()
        .filter_map(|pointer| {
            let mut less = json.clone();
            *less.pointer_mut(&pointer)? = serde_json::json!({
                "unknown": {"action": "test:Read", "kind": "access_denied", "message": "denied"}
            });
            // An object that merely looks like an observed value does not read back.
            let less: Snapshot = serde_json::from_value(less).ok()?;
            Some((pointer, less))
        })
        .collect()
}

/// Less evidence never claims more: no control's claim rises, and no finding becomes a pass
/// or an observation that was not one.
fn check_less_evidence(s: &Snapshot) -> Result<(), TestCaseError> {
    let profile = Profile::builtin();
    let variants = each_one_unknown(s);
    prop_assert!(!variants.is_empty() || s.regions.is_empty());
    for attestations in attestation_sets(&profile) {
        let before = evaluate(s, &profile, &attestations);
        let outcome_before: BTreeMap<(&str, &crate::Resource), crate::Outcome> = before
            .findings
            .iter()
            .map(|f| ((f.check.as_str(), &f.resource), f.outcome))
            .collect();
        let evidence =
            |o: crate::Outcome| matches!(o, crate::Outcome::Pass | crate::Outcome::Observation);
        for (pointer, less) in &variants {
            let after = evaluate(less, &profile, &attestations);
            let raised = raised(&before, &after);
            prop_assert!(
                raised.is_empty(),
                "{pointer} made unknown raised {raised:#?}"
            );
            for finding in &after.findings {
                let was = outcome_before.get(&(finding.check.as_str(), &finding.resource));
                if evidence(finding.outcome) {
                    prop_assert!(
                        was.is_some_and(|was| evidence(*was)),
                        "{pointer} made unknown: {} on {:?} became {:?} (was {:?}): {}",
                        finding.check,
                        finding.resource,
                        finding.outcome,
                        was,
                        finding.detail
                    );
                }
            }
        }
    }
    Ok(())
}

/// Each control whose verdict claims more in `after` than in `before`.
fn raised(before: &Evaluation, after: &Evaluation) -> Vec<String> {
    before
        .controls
        .iter()
        .zip(&after.controls)
        .filter(|(b, a)| a.verdict.claim() > b.verdict.claim())
        .map(|(b, a)| {
            format!(
                "{}: {:?} -> {:?} ({})",
                b.control, b.verdict, a.verdict, a.narrative
            )
        })
        .collect()
}

fn attestation_sets(profile: &Profile) -> [Attestations; 2] {
    [Attestations::default(), everything_attested(profile)]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn less_evidence_never_claims_more(recipes in prop::collection::vec(recipe(), 0..5)) {
        check_less_evidence(&estate(&recipes))?;
    }

    #[test]
    fn one_more_failing_database_never_claims_more(
        recipes in prop::collection::vec(recipe(), 1..5),
        environment in 0u8..4,
    ) {
        let profile = Profile::builtin();
        let s = estate(&recipes);
        let mut more = s.clone();
        let worst = worst_database(&s, environment);
        items_mut(&mut more.regions[0].db_instances).push(worst);
        for attestations in attestation_sets(&profile) {
            let before = evaluate(&s, &profile, &attestations);
            let after = evaluate(&more, &profile, &attestations);
            let raised = raised(&before, &after);
            prop_assert!(raised.is_empty(), "a failing database raised {raised:#?}");
        }
    }

    #[test]
    fn no_database_no_database_claim(
        recipes in prop::collection::vec(recipe(), 0..4),
        documentdb in any::<bool>(),
    ) {
        let profile = Profile::builtin();
        // Everything around the databases stays (keys, network, snapshots, metrics): only the
        // databases go.
        let mut s = estate(&recipes);
        s.regions[0].db_instances = Observed::Value(Vec::new());
        items_mut(&mut s.regions[0].db_snapshots).push(db_snapshot("left-behind"));
        if documentdb {
            s.regions[0].excluded.push(ExcludedResource {
                kind: rds_evidence_inventory::rds::ResourceKind::DbCluster,
                identifier: "docs".to_owned(),
                engine: "docdb".to_owned(),
            });
        }
        let evaluation = evaluate(&s, &profile, &everything_attested(&profile));
        for (spec, control) in profile.controls.iter().zip(&evaluation.controls) {
            if about_databases(spec) {
                prop_assert_eq!(
                    control.verdict,
                    Verdict::InsufficientEvidence,
                    "{}: {}", &control.control, &control.narrative
                );
                prop_assert!(control.narrative.contains("no RDS database"), "{}", &control.narrative);
            }
        }
    }

    #[test]
    fn an_attestation_never_turns_failure_or_unknown_into_met(
        recipes in prop::collection::vec(recipe(), 0..5),
        pick in any::<Index>(),
        with_unknown in any::<bool>(),
    ) {
        let profile = Profile::builtin();
        let mut s = estate(&recipes);
        if with_unknown {
            let mut variants = each_one_unknown(&s);
            if !variants.is_empty() {
                s = variants.swap_remove(pick.index(variants.len())).1;
            }
        }
        let bare = evaluate(&s, &profile, &Attestations::default());
        let attested = evaluate(&s, &profile, &everything_attested(&profile));
        for (b, a) in bare.controls.iter().zip(&attested.controls) {
            match b.verdict {
                Verdict::NeedsAttestation => prop_assert_eq!(a.verdict, Verdict::Met),
                Verdict::Met => prop_assert_eq!(a.verdict, Verdict::Met),
                unproven if a.verdict == Verdict::Met => {
                    // Only a use case no account can show, with nothing observed against it.
                    prop_assert!(
                        a.narrative.contains("proven by the attested document"),
                        "{}: {:?} became met: {}", &b.control, unproven, &a.narrative
                    );
                    let use_case_check = profile
                        .control(&b.control)
                        .and_then(|c| c.documented_use_cases.first())
                        .and_then(|u| u.check.clone());
                    let observed = b.checks.iter().find(|c| Some(&c.check) == use_case_check.as_ref());
                    prop_assert!(observed.is_none_or(|c| !matches!(
                        c.status,
                        crate::CheckStatus::Failed | crate::CheckStatus::Insufficient
                    )));
                }
                other => prop_assert_eq!(a.verdict, other, "{}", &a.narrative),
            }
        }
    }
}

/// The demo account's real shapes, each observed value made unknown in turn.
#[test]
fn less_evidence_never_claims_more_on_the_demo() {
    check_less_evidence(&demo_snapshot()).unwrap();
}

/// The issue's own reproductions: an account with no databases, or with a Neptune cluster only,
/// every control attested: no database control is met.
#[test]
fn no_database_reproductions() {
    let profile = Profile::builtin();
    let mut neptune = snapshot(vec![region("us-east-1")]);
    neptune.regions[0].excluded.push(ExcludedResource {
        kind: rds_evidence_inventory::rds::ResourceKind::DbCluster,
        identifier: "graph".to_owned(),
        engine: "neptune".to_owned(),
    });
    for s in [snapshot(vec![region("us-east-1")]), neptune] {
        let evaluation = evaluate(&s, &profile, &everything_attested(&profile));
        for id in [
            "RDS-003",
            "RDS-005",
            "RDS-006",
            "RDS-007",
            "RDS-009",
            "NETSEC-001",
            "NETSEC-002",
            "REL-002",
            "DOC-001",
        ] {
            let control = evaluation
                .controls
                .iter()
                .find(|c| c.control == id)
                .unwrap();
            assert_eq!(control.verdict, Verdict::InsufficientEvidence, "{id}");
            assert!(
                control
                    .narrative
                    .contains("no RDS database in the regions collected (us-east-1)"),
                "{id}: {}",
                control.narrative
            );
        }
    }
}

/// All production databases unencrypted: RDS-006 is not met (it was, with no key to judge).
#[test]
fn unencrypted_production_fails_rds_006() {
    let profile = Profile::builtin();
    let mut db = instance("orders");
    db.storage.encrypted = false;
    db.storage.kms_key_id = None;
    let s = networked(vec![db]);
    let evaluation = evaluate(&s, &profile, &everything_attested(&profile));
    let control = evaluation
        .controls
        .iter()
        .find(|c| c.control == "RDS-006")
        .unwrap();
    assert_eq!(control.verdict, Verdict::NotMet, "{}", control.narrative);
}

/// Production and development databases without environment tags, sharing one security
/// group: RDS-007 cannot be met (it was: nothing tagged, nothing judged).
#[test]
fn untagged_databases_leave_rds_007_unproven() {
    let profile = Profile::builtin();
    let mut prod = instance("orders");
    prod.tags.clear();
    let mut dev = instance("orders-dev");
    dev.tags.clear();
    let s = networked(vec![prod, dev]);
    let evaluation = evaluate(&s, &profile, &everything_attested(&profile));
    let control = evaluation
        .controls
        .iter()
        .find(|c| c.control == "RDS-007")
        .unwrap();
    assert_eq!(
        control.verdict,
        Verdict::InsufficientEvidence,
        "{}",
        control.narrative
    );
    assert!(
        control.narrative.contains("lacked evidence"),
        "{}",
        control.narrative
    );
}
