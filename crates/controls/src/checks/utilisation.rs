//! Utilisation over the metrics window: what the databases carry (RDS-001), whether storage
//! keeps up with growth, and which instances are sized or priced wrongly (RDS-002, COST-001).

use rds_evidence_inventory::activity::{DbMetrics, MetricSummary};
use rds_evidence_inventory::rds::DbInstance;
use rds_evidence_inventory::{Observed, RegionSnapshot};

use crate::check::{check, Check, Finding, Outcome, Resource, Scope, Severity};
use crate::estate::{cluster_resource, instance_resource, is_cluster_member, judge_each};
use crate::{Context, Thresholds};

pub(crate) static CHECKS: &[&Check] = &[&UTILISATION, &STORAGE_HEADROOM, &RIGHTSIZING];

const GIB: f64 = 1024.0 * 1024.0 * 1024.0;
/// Fewer days than this say too little about a steady load to advise a smaller class.
const MIN_DAYS_FOR_ADVICE: u32 = 7;
/// CPU at its daily 95th percentile above this is a class too small.
const BUSY_CPU_P95_PERCENT: f64 = 80.0;

check! {
    /// Per instance and Aurora cluster: CPU, connections, memory, IOPS, replica lag and storage
    /// over the metrics window (`collect --metrics-days`, 14 by default). Facts only.
    ///
    /// Figures come from daily CloudWatch statistics: the highest daily maximum, the mean of the
    /// daily averages, the highest daily 95th percentile, and for storage the trend per day.
    pub static UTILISATION = Check {
        id: "rds.database.utilisation",
        title: "Utilisation, peaks and storage growth per database",
        rationale: "RDS-001 asks for size, growth and peak concurrency; RDS-002 for how performance \
                    is measured. The account's own metrics show them: peak connections, CPU, \
                    storage used and how fast it grows.",
        remediation: "No change is required: quote the figures in the solution characteristics, and \
                      compare them with what was planned with the customer.",
        severity: Severity::Info,
        scope: Scope::DbInstance,
        evaluate: utilisation,
    };
}

fn utilisation(ctx: &Context) -> Vec<Finding> {
    let check = &UTILISATION;
    let mut findings = judge_each(
        check,
        ctx.snapshot,
        |r| &r.db_instances,
        |region, instance| {
            let resource = instance_resource(region, instance);
            Some(with_metrics(
                check,
                resource,
                region,
                "DBInstanceIdentifier",
                |metrics| observe(check, instance_resource(region, instance), metrics),
            ))
        },
    );
    findings.extend(judge_each(
        check,
        ctx.snapshot,
        |r| &r.db_clusters,
        |region, cluster| {
            if !cluster.engine.starts_with("aurora") {
                return None;
            }
            let resource = cluster_resource(region, cluster);
            Some(with_metrics(
                check,
                resource,
                region,
                "DBClusterIdentifier",
                |metrics| observe(check, cluster_resource(region, cluster), metrics),
            ))
        },
    ));
    findings
}

/// Judges `resource` by its metrics; unknown or absent metrics are insufficient evidence.
fn with_metrics(
    check: &Check,
    resource: Resource,
    region: &RegionSnapshot,
    dimension: &str,
    judge: impl FnOnce(&DbMetrics) -> Finding,
) -> Finding {
    let all = match &region.metrics {
        Observed::Value(all) => all,
        Observed::Unknown(why) => {
            return Finding::new(
                check,
                resource,
                Outcome::InsufficientEvidence,
                format!("metrics unknown: {why}"),
            )
        }
    };
    match measured(all, dimension, &resource.id) {
        Some(metrics) if !metrics.metrics.is_empty() => judge(metrics),
        _ => Finding::new(
            check,
            resource,
            Outcome::InsufficientEvidence,
            "CloudWatch has no datapoints for it in the metrics window",
        ),
    }
}

/// The metrics of the database `dimension` = `id` names.
fn measured<'a>(all: &'a [DbMetrics], dimension: &str, id: &str) -> Option<&'a DbMetrics> {
    all.iter().find(|m| m.dimension == dimension && m.id == id)
}

fn observe(check: &Check, resource: Resource, metrics: &DbMetrics) -> Finding {
    let get = |name: &str| metrics.metrics.get(name);
    let mut facts = Vec::new();
    if let Some(cpu) = get("CPUUtilization") {
        facts.push(format!(
            "CPU average {:.1} %, p95 {:.1} %, max {:.1} %",
            cpu.average, cpu.p95, cpu.max
        ));
    }
    if let Some(connections) = get("DatabaseConnections") {
        facts.push(format!("peak connections {:.0}", connections.max));
    }
    if let Some(free) = get("FreeStorageSpace") {
        facts.push(format!(
            "free storage at least {:.1} GiB{}",
            free.min / GIB,
            trend(free, "GiB", GIB)
        ));
    }
    if let Some(used) = get("VolumeBytesUsed") {
        facts.push(format!(
            "volume used up to {:.1} GiB{}",
            used.max / GIB,
            trend(used, "GiB", GIB)
        ));
    }
    if let Some(memory) = get("FreeableMemory") {
        facts.push(format!(
            "freeable memory at least {:.1} GiB",
            memory.min / GIB
        ));
    }
    if let Some(lag) = get("ReplicaLag") {
        facts.push(format!("replica lag up to {:.0} s", lag.max));
    }
    let days = metrics.metrics.values().map(|m| m.days).max().unwrap_or(0);
    let detail = if facts.is_empty() {
        format!("{days} day(s) of metrics")
    } else {
        format!("over {days} day(s): {}", facts.join("; "))
    };
    Finding::new(check, resource, Outcome::Observation, detail).with("metrics", &metrics.metrics)
}

/// `, growing 0.4 GiB/day` from a slope in the metric's unit per day.
fn trend(summary: &MetricSummary, unit: &str, scale: f64) -> String {
    match summary.slope_per_day {
        Some(slope) if slope.abs() / scale >= 0.05 => {
            let direction = if slope > 0.0 { "rising" } else { "falling" };
            format!(", {direction} {:.1} {unit}/day", slope.abs() / scale)
        }
        Some(_) => ", steady".to_owned(),
        None => String::new(),
    }
}

check! {
    /// Free storage lasts at least the profile's `min_storage_headroom_days` at the growth seen
    /// in the metrics window, counting the room storage autoscaling may still add.
    ///
    /// Aurora storage grows by itself: members and clusters are not judged. An instance whose
    /// free storage is steady or rising over at least the profile's `min_trend_days` passes;
    /// fewer days say nothing of a trend.
    pub static STORAGE_HEADROOM = Check {
        id: "rds.instance.storage_headroom",
        title: "Free storage outlasts the growth trend",
        rationale: "An instance that runs out of storage stops accepting writes. Sizing (RDS-004) \
                    means storage that keeps ahead of the measured growth, or autoscaling with room.",
        remediation: "Enable storage autoscaling with a maximum above the projected need \
                      (modify-db-instance --max-allocated-storage), or grow the allocated storage.",
        severity: Severity::Medium,
        scope: Scope::DbInstance,
        evaluate: storage_headroom,
    };
}

fn storage_headroom(ctx: &Context) -> Vec<Finding> {
    let check = &STORAGE_HEADROOM;
    let thresholds = ctx.thresholds;
    judge_each(
        check,
        ctx.snapshot,
        |r| &r.db_instances,
        |region, instance| {
            let resource = instance_resource(region, instance);
            if is_cluster_member(instance) || instance.engine.starts_with("aurora") {
                return Some(Finding::new(
                    check,
                    resource,
                    Outcome::NotApplicable,
                    "Aurora storage grows with the data",
                ));
            }
            Some(with_metrics(
                check,
                resource.clone(),
                region,
                "DBInstanceIdentifier",
                |m| judge_headroom(check, resource, instance, m, thresholds),
            ))
        },
    )
}

fn judge_headroom(
    check: &Check,
    resource: Resource,
    instance: &DbInstance,
    metrics: &DbMetrics,
    thresholds: &Thresholds,
) -> Finding {
    let minimum_days = thresholds.min_storage_headroom_days;
    let Some(free) = metrics.metrics.get("FreeStorageSpace") else {
        return Finding::new(
            check,
            resource,
            Outcome::InsufficientEvidence,
            "no FreeStorageSpace datapoints in the metrics window",
        );
    };
    if free.days < thresholds.min_trend_days || free.slope_per_day.is_none() {
        return Finding::new(
            check,
            resource,
            Outcome::InsufficientEvidence,
            format!(
                "{} day(s) of FreeStorageSpace: a trend needs at least {}",
                free.days, thresholds.min_trend_days
            ),
        )
        .with("free_storage_min_gib", free.min / GIB);
    }
    let storage = &instance.storage;
    let autoscaling_room_gib = match (storage.max_allocated_gib, storage.allocated_gib) {
        (Some(max), Some(allocated)) if max > allocated => max - allocated,
        _ => 0,
    };
    let room = free.min + f64::from(autoscaling_room_gib) * GIB;
    let autoscaling = if autoscaling_room_gib > 0 {
        format!(" plus {autoscaling_room_gib} GiB of autoscaling room")
    } else {
        String::new()
    };
    let finding = match free.slope_per_day {
        Some(slope) if slope < 0.0 => {
            let days_left = room / -slope;
            let detail = format!(
                "{:.1} GiB free{autoscaling}, filling {:.2} GiB/day: about {:.0} day(s) left",
                free.min / GIB,
                -slope / GIB,
                days_left
            );
            let outcome = if days_left < minimum_days as f64 {
                Outcome::Fail
            } else {
                Outcome::Pass
            };
            Finding::new(check, resource, outcome, detail).with("days_left", days_left.round())
        }
        _ => Finding::new(
            check,
            resource,
            Outcome::Pass,
            format!(
                "{:.1} GiB free{autoscaling}, not falling over {} days",
                free.min / GIB,
                free.days
            ),
        ),
    };
    finding
        .with("free_storage_min_gib", free.min / GIB)
        .with("autoscaling_room_gib", autoscaling_room_gib)
}

check! {
    /// Instances a cheaper or better-fitting configuration would serve: CPU that stays low
    /// (daily p95 under the profile's `rightsizing_cpu_p95_percent`) or high (over 80 %) for at
    /// least a week of data, Intel or AMD classes where the engine runs on Graviton, and gp2
    /// storage that gp3 serves for less. Facts only: the partner weighs them with the customer.
    pub static RIGHTSIZING = Check {
        id: "rds.instance.rightsizing",
        title: "Rightsizing, Graviton and gp3 candidates",
        rationale: "RDS-002 asks for continuous optimisation and total-cost improvements; COST-001 \
                    for the inputs of a cost model. Idle capacity, previous-generation classes and \
                    gp2 volumes are the usual findings.",
        remediation: "Review each candidate with the customer: a smaller or Graviton class (test the \
                      workload first), and gp3 storage (modify-db-instance --storage-type gp3).",
        severity: Severity::Info,
        scope: Scope::DbInstance,
        evaluate: rightsizing,
    };
}

fn rightsizing(ctx: &Context) -> Vec<Finding> {
    let check = &RIGHTSIZING;
    let idle_below = ctx.thresholds.rightsizing_cpu_p95_percent;
    judge_each(
        check,
        ctx.snapshot,
        |r| &r.db_instances,
        |region, instance| {
            let resource = instance_resource(region, instance);
            let cpu = region
                .metrics
                .value()
                .and_then(|all| measured(all, "DBInstanceIdentifier", &instance.identifier))
                .and_then(|m| m.metrics.get("CPUUtilization"));
            let mut candidates = Vec::new();
            match cpu {
                Some(cpu) if cpu.days >= MIN_DAYS_FOR_ADVICE && cpu.p95 < idle_below => candidates
                    .push(format!(
                        "CPU p95 {:.1} % over {} days: a smaller class may do",
                        cpu.p95, cpu.days
                    )),
                Some(cpu) if cpu.days >= MIN_DAYS_FOR_ADVICE && cpu.p95 > BUSY_CPU_P95_PERCENT => {
                    candidates.push(format!(
                        "CPU p95 {:.1} % over {} days: the class is too small",
                        cpu.p95, cpu.days
                    ))
                }
                _ => {}
            }
            if let Some(family) = graviton_alternative(instance) {
                candidates.push(format!(
                    "{} runs on Intel/AMD: {family} is the Graviton equivalent",
                    instance.instance_class
                ));
            }
            if instance.storage.storage_type.as_deref() == Some("gp2") {
                candidates.push("gp2 storage: gp3 gives baseline IOPS for less".to_owned());
            }
            let cpu_known = cpu.is_some_and(|c| c.days >= MIN_DAYS_FOR_ADVICE);
            let detail = match (candidates.is_empty(), cpu_known) {
                (false, _) => candidates.join("; "),
                (true, true) => "no rightsizing candidate".to_owned(),
                (true, false) => {
                    "no class or storage candidate; too little CPU data to judge the size"
                        .to_owned()
                }
            };
            Some(
                Finding::new(check, resource, Outcome::Observation, detail)
                    .with("candidates", &candidates)
                    .with("instance_class", &instance.instance_class),
            )
        },
    )
}

/// `db.m5.large` → `db.m6g`: the Graviton family of the same kind, for engines RDS runs on
/// Graviton (not Oracle or SQL Server). `None` for Graviton classes and other engines.
fn graviton_alternative(instance: &DbInstance) -> Option<&'static str> {
    let engine = instance.engine.as_str();
    if engine.starts_with("oracle")
        || engine.starts_with("sqlserver")
        || engine.starts_with("custom-")
    {
        return None;
    }
    let family = instance
        .instance_class
        .strip_prefix("db.")?
        .split('.')
        .next()?;
    let kind = family.chars().next()?;
    let generation_suffix = family.trim_start_matches(|c: char| c.is_ascii_alphabetic());
    if generation_suffix.contains('g') {
        return None;
    }
    match kind {
        'm' => Some("db.m7g"),
        'r' => Some("db.r7g"),
        't' => Some("db.t4g"),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::testing::*;

    fn summary(min: f64, max: f64, average: f64, p95: f64, slope: Option<f64>) -> MetricSummary {
        MetricSummary {
            min,
            max,
            average,
            p95,
            slope_per_day: slope,
            days: 14,
        }
    }

    fn measured(id: &str, metrics: &[(&str, MetricSummary)]) -> DbMetrics {
        DbMetrics {
            dimension: "DBInstanceIdentifier".to_owned(),
            id: id.to_owned(),
            metrics: metrics
                .iter()
                .map(|(name, s)| ((*name).to_owned(), *s))
                .collect::<BTreeMap<_, _>>(),
        }
    }

    fn estate(
        instances: Vec<DbInstance>,
        metrics: Vec<DbMetrics>,
    ) -> rds_evidence_inventory::Snapshot {
        let mut east = region("us-east-1");
        east.db_instances = Observed::Value(instances);
        east.metrics = Observed::Value(metrics);
        snapshot(vec![east])
    }

    #[test]
    fn storage_filling_faster_than_the_headroom_fails() {
        let mut filling = instance("filling");
        filling.storage.allocated_gib = Some(100);
        filling.storage.max_allocated_gib = None;
        let mut autoscaled = instance("autoscaled");
        autoscaled.storage.allocated_gib = Some(100);
        autoscaled.storage.max_allocated_gib = Some(1000);
        let steady = instance("steady");
        let unmeasured = instance("unmeasured");
        let mut member = instance("member");
        member.cluster_identifier = Some("aurora".into());
        let filling_fast = summary(10.0 * GIB, 20.0 * GIB, 15.0 * GIB, 19.0 * GIB, Some(-GIB));
        let snapshot = estate(
            vec![filling, autoscaled, steady, unmeasured, member],
            vec![
                measured("filling", &[("FreeStorageSpace", filling_fast)]),
                measured("autoscaled", &[("FreeStorageSpace", filling_fast)]),
                measured(
                    "steady",
                    &[(
                        "FreeStorageSpace",
                        summary(50.0 * GIB, 51.0 * GIB, 50.5 * GIB, 51.0 * GIB, Some(0.0)),
                    )],
                ),
            ],
        );
        let findings = run(&STORAGE_HEADROOM, &snapshot);
        assert_eq!(
            outcomes(&findings),
            [
                ("filling".into(), Outcome::Fail),
                ("autoscaled".into(), Outcome::Pass),
                ("steady".into(), Outcome::Pass),
                ("unmeasured".into(), Outcome::InsufficientEvidence),
                ("member".into(), Outcome::NotApplicable),
            ]
        );
        assert!(
            findings[0].detail.contains("about 10 day(s) left"),
            "{}",
            findings[0].detail
        );
    }

    #[test]
    fn a_trend_of_a_few_days_is_no_evidence() {
        let young = instance("young");
        let flat = instance("flat");
        let few_days = MetricSummary {
            days: 3,
            ..summary(50.0 * GIB, 50.0 * GIB, 50.0 * GIB, 50.0 * GIB, Some(0.0))
        };
        let one_point = summary(50.0 * GIB, 50.0 * GIB, 50.0 * GIB, 50.0 * GIB, None);
        let snapshot = estate(
            vec![young, flat],
            vec![
                measured("young", &[("FreeStorageSpace", few_days)]),
                measured("flat", &[("FreeStorageSpace", one_point)]),
            ],
        );
        let findings = run(&STORAGE_HEADROOM, &snapshot);
        assert_eq!(
            outcomes(&findings),
            [
                ("young".into(), Outcome::InsufficientEvidence),
                ("flat".into(), Outcome::InsufficientEvidence),
            ]
        );
        assert_eq!(
            findings[0].detail,
            "3 day(s) of FreeStorageSpace: a trend needs at least 7"
        );
    }

    #[test]
    fn unknown_metrics_are_insufficient_evidence_never_a_pass() {
        let mut east = region("us-east-1");
        east.db_instances = Observed::Value(vec![instance("a")]);
        east.metrics = Observed::Unknown(denied("cloudwatch:GetMetricData"));
        let snapshot = snapshot(vec![east]);
        for check in [&UTILISATION, &STORAGE_HEADROOM] {
            let findings = run(check, &snapshot);
            assert_eq!(
                outcomes(&findings),
                [("a".into(), Outcome::InsufficientEvidence)]
            );
            assert!(findings[0].detail.contains("cloudwatch:GetMetricData"));
        }
    }

    #[test]
    fn utilisation_reports_peaks_and_growth() {
        let snapshot = estate(
            vec![instance("orders")],
            vec![measured(
                "orders",
                &[
                    ("CPUUtilization", summary(2.0, 91.5, 23.4, 61.0, Some(0.1))),
                    (
                        "DatabaseConnections",
                        summary(3.0, 152.0, 40.0, 120.0, None),
                    ),
                    (
                        "FreeStorageSpace",
                        summary(
                            12.0 * GIB,
                            20.0 * GIB,
                            15.0 * GIB,
                            19.0 * GIB,
                            Some(-0.5 * GIB),
                        ),
                    ),
                ],
            )],
        );
        let findings = run(&UTILISATION, &snapshot);
        assert_eq!(
            outcomes(&findings),
            [("orders".into(), Outcome::Observation)]
        );
        let detail = &findings[0].detail;
        assert!(
            detail.contains("CPU average 23.4 %, p95 61.0 %, max 91.5 %"),
            "{detail}"
        );
        assert!(detail.contains("peak connections 152"), "{detail}");
        assert!(
            detail.contains("free storage at least 12.0 GiB, falling 0.5 GiB/day"),
            "{detail}"
        );
    }

    #[test]
    fn rightsizing_candidates() {
        let mut idle = instance("idle");
        idle.instance_class = "db.m5.large".into();
        idle.storage.storage_type = Some("gp2".into());
        let mut busy = instance("busy");
        busy.instance_class = "db.r6g.xlarge".into();
        let mut oracle = instance("oracle");
        oracle.engine = "oracle-ee".into();
        oracle.instance_class = "db.m5.large".into();
        let snapshot = estate(
            vec![idle, busy, oracle],
            vec![
                measured(
                    "idle",
                    &[("CPUUtilization", summary(1.0, 30.0, 4.0, 9.0, None))],
                ),
                measured(
                    "busy",
                    &[("CPUUtilization", summary(40.0, 99.0, 70.0, 92.0, None))],
                ),
            ],
        );
        let findings = run(&RIGHTSIZING, &snapshot);
        assert!(findings.iter().all(|f| f.outcome == Outcome::Observation));
        assert!(
            findings[0].detail.contains("a smaller class may do"),
            "{}",
            findings[0].detail
        );
        assert!(findings[0].detail.contains("db.m7g"));
        assert!(findings[0].detail.contains("gp3"));
        assert!(
            findings[1].detail.contains("too small"),
            "{}",
            findings[1].detail
        );
        assert!(!findings[1].detail.contains("Graviton"));
        assert_eq!(
            findings[2].detail,
            "no class or storage candidate; too little CPU data to judge the size"
        );
    }
}
