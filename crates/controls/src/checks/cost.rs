//! Cost-model inputs: what runs, and how much of it reservations cover.

use std::collections::BTreeMap;

use rds_evidence_inventory::rds::{DbInstance, ReservedInstance};
use rds_evidence_inventory::Observed;

use crate::check::{check, Check, Finding, Outcome, Resource, Scope, Severity};
use crate::estate::region_unknown;
use crate::Context;

pub(crate) static CHECKS: &[&Check] = &[&RESERVATION_COVERAGE];

check! {
    /// Per region, the instance classes in use against the active reserved instances: the inputs
    /// of a cost model (COST-001) and of reserved-capacity advice (RDS-002). Facts only.
    ///
    /// Instances and reservations are matched by class and Multi-AZ, as RDS bills them; a
    /// reservation's engine is its product description, which names engines differently and is
    /// reported beside it rather than matched. Size flexibility within a family is not computed.
    pub static RESERVATION_COVERAGE = Check {
        id: "rds.cost.reservation_coverage",
        title: "Instance classes in use and their reserved-instance coverage",
        rationale: "A cost model starts from what runs: the classes, how many, Multi-AZ or not, and \
                    which of them reservations already pay for. Steady production instances \
                    without a reservation are the usual first saving.",
        remediation: "No change is required: use the figures in the cost model, and consider \
                      reserved instances for steady instances that run on demand.",
        severity: Severity::Info,
        scope: Scope::Region,
        evaluate: reservation_coverage,
    };
}

/// `db.r6g.large`, or `db.r6g.large multi-az`.
fn billing_key(class: &str, multi_az: bool) -> String {
    if multi_az {
        format!("{class} multi-az")
    } else {
        class.to_owned()
    }
}

fn reservation_coverage(ctx: &Context) -> Vec<Finding> {
    let check = &RESERVATION_COVERAGE;
    let mut findings = Vec::new();
    for region in &ctx.snapshot.regions {
        let resource = Resource::new(Scope::Region, &region.region, &region.region);
        let instances = match &region.db_instances {
            Observed::Value(instances) => instances,
            Observed::Unknown(why) => {
                findings.push(region_unknown(check, region, why));
                continue;
            }
        };
        let reservations = match &region.reserved_instances {
            Observed::Value(reservations) => reservations,
            Observed::Unknown(why) => {
                findings.push(
                    Finding::new(
                        check,
                        resource,
                        Outcome::InsufficientEvidence,
                        format!("reserved instances unknown: {why}"),
                    )
                    .with("instances_by_class", in_use(instances)),
                );
                continue;
            }
        };
        if instances.is_empty() && reservations.is_empty() {
            findings.push(Finding::new(
                check,
                resource,
                Outcome::NotApplicable,
                "no DB instances and no reserved instances",
            ));
            continue;
        }
        findings.push(observe(check, resource, instances, reservations));
    }
    findings
}

fn in_use(instances: &[DbInstance]) -> BTreeMap<String, i64> {
    let mut counts = BTreeMap::new();
    for instance in instances {
        *counts
            .entry(billing_key(&instance.instance_class, instance.multi_az))
            .or_insert(0) += 1;
    }
    counts
}

fn observe(
    check: &Check,
    resource: Resource,
    instances: &[DbInstance],
    reservations: &[ReservedInstance],
) -> Finding {
    let used = in_use(instances);
    let active: Vec<&ReservedInstance> = reservations
        .iter()
        .filter(|r| r.state.as_deref() == Some("active"))
        .collect();
    let mut reserved: BTreeMap<String, i64> = BTreeMap::new();
    for r in &active {
        *reserved
            .entry(billing_key(&r.instance_class, r.multi_az))
            .or_insert(0) += i64::from(r.count);
    }
    let on_demand: BTreeMap<&String, i64> = used
        .iter()
        .map(|(key, n)| (key, n - reserved.get(key).copied().unwrap_or(0)))
        .filter(|(_, n)| *n > 0)
        .collect();
    let unused: BTreeMap<&String, i64> = reserved
        .iter()
        .map(|(key, n)| (key, n - used.get(key).copied().unwrap_or(0)))
        .filter(|(_, n)| *n > 0)
        .collect();
    let listed = |counts: &BTreeMap<&String, i64>| {
        counts
            .iter()
            .map(|(key, n)| format!("{n} × {key}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let reserved_count: i64 = reserved.values().sum();
    let mut detail = format!(
        "{} instance(s) in {} class(es); {reserved_count} active reserved instance(s)",
        instances.len(),
        used.len()
    );
    if !on_demand.is_empty() {
        detail.push_str(&format!("; on demand: {}", listed(&on_demand)));
    }
    if !unused.is_empty() {
        detail.push_str(&format!("; reserved but not in use: {}", listed(&unused)));
    }
    Finding::new(check, resource, Outcome::Observation, detail)
        .with("instances_by_class", &used)
        .with("reserved_by_class", &reserved)
        .with("on_demand_by_class", &on_demand)
        .with(
            "reservations",
            reservations
                .iter()
                .map(|r| {
                    serde_json::json!({
                        "id": r.id,
                        "instance_class": r.instance_class,
                        "product_description": r.product_description,
                        "multi_az": r.multi_az,
                        "count": r.count,
                        "state": r.state,
                        "end": r.end,
                    })
                })
                .collect::<Vec<_>>(),
        )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;

    fn reservation(class: &str, multi_az: bool, count: i32, state: &str) -> ReservedInstance {
        ReservedInstance {
            id: format!("ri-{class}-{state}"),
            instance_class: class.to_owned(),
            product_description: Some("postgresql".to_owned()),
            multi_az,
            count,
            state: Some(state.to_owned()),
            start: Some("2025-06-01T00:00:00Z".to_owned()),
            end: Some("2026-06-01T00:00:00Z".to_owned()),
            offering_type: Some("No Upfront".to_owned()),
        }
    }

    #[test]
    fn classes_in_use_against_active_reservations() {
        let mut single = instance("single");
        single.multi_az = false;
        single.instance_class = "db.t4g.medium".into();
        let mut east = region("us-east-1");
        east.db_instances = Observed::Value(vec![instance("a"), instance("b"), single]);
        east.reserved_instances = Observed::Value(vec![
            reservation("db.r6g.large", true, 1, "active"),
            reservation("db.r6g.large", true, 5, "retired"),
            reservation("db.m6g.large", false, 1, "active"),
        ]);
        let findings = run(
            &RESERVATION_COVERAGE,
            &snapshot(vec![east, region("eu-west-1")]),
        );
        assert_eq!(
            outcomes(&findings),
            [
                ("us-east-1".into(), Outcome::Observation),
                ("eu-west-1".into(), Outcome::NotApplicable),
            ]
        );
        assert_eq!(
            findings[0].detail,
            "3 instance(s) in 2 class(es); 2 active reserved instance(s); on demand: \
             1 × db.r6g.large multi-az, 1 × db.t4g.medium; reserved but not in use: \
             1 × db.m6g.large"
        );
        assert_eq!(
            findings[0].values["instances_by_class"],
            serde_json::json!({"db.r6g.large multi-az": 2, "db.t4g.medium": 1})
        );
        assert_eq!(
            findings[0].values["reservations"].as_array().unwrap().len(),
            3
        );
    }

    #[test]
    fn unknown_listings_are_insufficient() {
        let mut east = region("us-east-1");
        east.db_instances = Observed::Value(vec![instance("a")]);
        east.reserved_instances = Observed::Unknown(denied("rds:DescribeReservedDBInstances"));
        let mut west = region("eu-west-1");
        west.db_instances = Observed::Unknown(denied("rds:DescribeDBInstances"));
        let findings = run(&RESERVATION_COVERAGE, &snapshot(vec![east, west]));
        assert_eq!(
            outcomes(&findings),
            [
                ("us-east-1".into(), Outcome::InsufficientEvidence),
                ("eu-west-1".into(), Outcome::InsufficientEvidence),
            ]
        );
        assert!(findings[0]
            .detail
            .contains("rds:DescribeReservedDBInstances access denied"));
    }
}
