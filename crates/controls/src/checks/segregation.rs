//! Production and non-production kept apart: networks, security groups, keys; and each
//! database's environment, with what says so.

use std::collections::BTreeMap;

use rds_evidence_inventory::network::Peer;
use rds_evidence_inventory::rds::DbInstance;
use rds_evidence_inventory::{Environment, Observed, RegionSnapshot};
use serde::Serialize;

use super::network::{known, security_group, subnet_group};
use crate::check::{check, Check, Finding, Outcome, Resource, Scope, Severity};
use crate::estate::{cluster_resource, instance_resource, judge_each, region_unknown};
use crate::Context;

pub(crate) static CHECKS: &[&Check] = &[
    &DATABASE_ENVIRONMENT,
    &NETWORK_PROD_NONPROD_SEPARATED,
    &SECURITY_GROUPS_PROD_NONPROD_SEPARATED,
];

check! {
    /// Which environment each database serves, and what says so.
    ///
    /// In this precedence: the account declared as one environment (accounts file), the
    /// attestations file's `[[environments]]` rules (name patterns, VPCs, tags), the profile's
    /// environment tag (`production_values`, `non_production_values`). Aurora members and read
    /// replicas nothing places take their cluster's or source's. A database nothing places, or
    /// that rules of one rank disagree on, is unknown: insufficient evidence, because every
    /// segregation and per-environment check then cannot place it. Disagreements between sources
    /// are named in the finding.
    pub static DATABASE_ENVIRONMENT = Check {
        id: "rds.database.environment",
        title: "Each database's environment is known",
        rationale: "RDS-006 and RDS-007 judge production and non-production apart, and several \
                    checks judge production only: a database of unknown environment can be \
                    neither compared nor excused.",
        remediation: "Tag each database with the profile's environment tag (Environment=production \
                      or a non-production value such as development), declare the account's \
                      environment in the accounts file, or add [[environments]] rules to the \
                      attestations file.",
        severity: Severity::Low,
        scope: Scope::DbInstance,
        evaluate: database_environment,
    };
}

fn database_environment(ctx: &Context) -> Vec<Finding> {
    let check = &DATABASE_ENVIRONMENT;
    let judge = |resource: Resource| {
        let c = ctx
            .environments
            .of(resource.kind, &resource.region, &resource.id);
        let (outcome, detail) = match c.environment {
            Environment::Unknown => (
                Outcome::InsufficientEvidence,
                format!("environment unknown: {}", c.basis),
            ),
            known => (Outcome::Observation, format!("{known} ({})", c.basis)),
        };
        let detail = if c.disagreements.is_empty() {
            detail
        } else {
            format!("{detail}; but {}", c.disagreements.join(", "))
        };
        Finding::new(check, resource, outcome, detail)
            .with("environment", c.environment)
            .with("basis", &c.basis)
            .with("disagreements", &c.disagreements)
    };
    let mut findings = judge_each(
        check,
        ctx.snapshot,
        |r| &r.db_instances,
        |region, instance| Some(judge(instance_resource(region, instance))),
    );
    findings.extend(judge_each(
        check,
        ctx.snapshot,
        |r| &r.db_clusters,
        |region, cluster| Some(judge(cluster_resource(region, cluster))),
    ));
    findings
}

check! {
    /// No subnet hosts both a production and a non-production database.
    ///
    /// Environments are those of `rds.database.environment`. A database of unknown environment
    /// makes the region insufficient evidence, unless a shared subnet is already proven between
    /// known production and non-production databases. Sharing a VPC while keeping separate
    /// subnets passes, with the shared VPCs named: inside a VPC only security groups and NACLs
    /// then separate the two. A cluster member that reports no DB subnet group is placed in its
    /// cluster's.
    pub static NETWORK_PROD_NONPROD_SEPARATED = Check {
        id: "segregation.network.prod_nonprod_separated",
        title: "Production and non-production databases do not share subnets",
        rationale: "Non-production systems are tested, opened up and handed to more people; \
                    when they share a subnet with production, a foothold in one is a foothold \
                    next to the other.",
        remediation: "Give non-production databases their own DB subnet groups over their own \
                      subnets, preferably in a separate VPC or account.",
        severity: Severity::Medium,
        scope: Scope::Region,
        evaluate: network_prod_nonprod_separated,
    };
}

fn network_prod_nonprod_separated(ctx: &Context) -> Vec<Finding> {
    let check = &NETWORK_PROD_NONPROD_SEPARATED;
    per_region(check, ctx, |region, sides, resource| {
        let mut subnets: BTreeMap<&str, Sharing> = BTreeMap::new();
        let mut vpcs: BTreeMap<&str, Sharing> = BTreeMap::new();
        let mut unknown = Vec::new();
        for (production, db) in sides.judged() {
            let group = subnet_group(region, region.subnet_group_of(db));
            match &group {
                Ok(group) => {
                    for subnet in &group.subnets {
                        subnets
                            .entry(&subnet.subnet_id)
                            .or_default()
                            .add(production, db);
                    }
                }
                Err(why) => unknown.push(format!("{}: {why}", db.identifier)),
            }
            let vpc = group.ok().and_then(|g| g.vpc_id.as_deref());
            if let Some(vpc) = vpc.or(db.vpc_id.as_deref()) {
                vpcs.entry(vpc).or_default().add(production, db);
            }
        }
        let shared_subnets = shared(subnets);
        let shared_vpcs = shared(vpcs);
        let finding = if !shared_subnets.is_empty() {
            let named: Vec<String> = shared_subnets
                .iter()
                .map(|(subnet, sharing)| format!("{subnet} ({sharing})"))
                .collect();
            Finding::new(
                check,
                resource,
                Outcome::Fail,
                format!(
                    "production and non-production databases share subnets: {}",
                    named.join("; ")
                ),
            )
        } else if !unknown.is_empty() {
            Finding::new(
                check,
                resource,
                Outcome::InsufficientEvidence,
                format!("cannot place every database: {}", unknown.join("; ")),
            )
        } else if !shared_vpcs.is_empty() {
            let named: Vec<&str> = shared_vpcs.keys().copied().collect();
            Finding::new(
                check,
                resource,
                Outcome::Pass,
                format!(
                    "production and non-production databases use separate subnets but share \
                     VPC {}: only security groups and NACLs separate them there",
                    named.join(", ")
                ),
            )
        } else {
            Finding::new(
                check,
                resource,
                Outcome::Pass,
                "production and non-production databases are in separate VPCs",
            )
        };
        finding
            .with("shared_subnets", shared_subnets)
            .with("shared_vpcs", shared_vpcs)
    })
}

check! {
    /// No security group is shared between, or opens one to the other of, production and
    /// non-production databases.
    ///
    /// Fails when a group is attached to databases of both kinds, or when a group of one kind
    /// admits traffic from a group attached to the other kind.
    pub static SECURITY_GROUPS_PROD_NONPROD_SEPARATED = Check {
        id: "segregation.security_groups.prod_nonprod_separated",
        title: "Production and non-production databases do not share or trust each other's \
                security groups",
        rationale: "A security group shared by both environments, or one that admits the other \
                    environment's group, lets non-production hosts reach production databases \
                    regardless of subnets.",
        remediation: "Give each environment its own security groups and remove ingress rules that \
                      reference the other environment's groups.",
        severity: Severity::High,
        scope: Scope::Region,
        evaluate: security_groups_prod_nonprod_separated,
    };
}

fn security_groups_prod_nonprod_separated(ctx: &Context) -> Vec<Finding> {
    let check = &SECURITY_GROUPS_PROD_NONPROD_SEPARATED;
    per_region(check, ctx, |region, sides, resource| {
        let mut groups: BTreeMap<&str, Sharing> = BTreeMap::new();
        for (production, db) in sides.judged() {
            for group in &db.vpc_security_groups {
                groups.entry(group).or_default().add(production, db);
            }
        }
        let mut problems: Vec<String> = groups
            .iter()
            .filter(|(_, sharing)| sharing.is_shared())
            .map(|(group, sharing)| format!("{group} is attached to {sharing}"))
            .collect();
        let mut unknown: Vec<String> = sides
            .judged()
            .filter(|(_, db)| db.vpc_security_groups.is_empty())
            .map(|(_, db)| format!("{} reports no VPC security group", db.identifier))
            .collect();
        if let Err(why) = known(&region.network.security_groups) {
            unknown.push(why);
        } else {
            for (id, sharing) in &groups {
                let group = match security_group(region, id) {
                    Ok(group) => group,
                    Err(why) => {
                        unknown.push(why);
                        continue;
                    }
                };
                for rule in &group.ingress {
                    let Peer::SecurityGroup(peer) = &rule.peer else {
                        continue;
                    };
                    let Some(peer_sharing) = groups.get(peer.as_str()) else {
                        continue;
                    };
                    let problem = format!(
                        "{id} ({}) admits traffic from {peer} ({})",
                        sharing.sides(),
                        peer_sharing.sides()
                    );
                    // One rule per port range: the same trust is reported once.
                    if peer != id
                        && sharing.trusts_other_side(peer_sharing)
                        && !problems.contains(&problem)
                    {
                        problems.push(problem);
                    }
                }
            }
        }
        if !problems.is_empty() {
            Finding::new(
                check,
                resource,
                Outcome::Fail,
                format!(
                    "security groups join production and non-production: {}",
                    problems.join("; ")
                ),
            )
            .with("problems", problems)
        } else if !unknown.is_empty() {
            Finding::new(
                check,
                resource,
                Outcome::InsufficientEvidence,
                format!("cannot judge security groups: {}", unknown.join("; ")),
            )
        } else {
            Finding::new(
                check,
                resource,
                Outcome::Pass,
                format!(
                    "production and non-production databases use {} separate security groups, \
                     none admitting the other side",
                    groups.len()
                ),
            )
        }
    })
}

/// The databases of one region, by environment.
struct Sides<'a> {
    production: Vec<&'a DbInstance>,
    non_production: Vec<&'a DbInstance>,
    /// `id (why)` of each database of unknown environment.
    unknown: Vec<String>,
}

impl<'a> Sides<'a> {
    fn new(region: &RegionSnapshot, instances: &'a [DbInstance], ctx: &Context) -> Self {
        let mut sides = Sides {
            production: Vec::new(),
            non_production: Vec::new(),
            unknown: Vec::new(),
        };
        for instance in instances {
            let c = ctx
                .environments
                .of(Scope::DbInstance, &region.region, &instance.identifier);
            match c.environment {
                Environment::Production => sides.production.push(instance),
                Environment::NonProduction => sides.non_production.push(instance),
                Environment::Unknown => sides
                    .unknown
                    .push(format!("{} ({})", instance.identifier, c.basis)),
            }
        }
        sides
    }

    /// Every placed database, `true` for production.
    fn judged(&self) -> impl Iterator<Item = (bool, &'a DbInstance)> + '_ {
        let production = self.production.iter().map(|db| (true, *db));
        production.chain(self.non_production.iter().map(|db| (false, *db)))
    }
}

/// Which databases of each environment use one subnet, VPC or security group.
#[derive(Default, Serialize)]
struct Sharing<'a> {
    production: Vec<&'a str>,
    non_production: Vec<&'a str>,
}

impl<'a> Sharing<'a> {
    fn add(&mut self, production: bool, db: &'a DbInstance) {
        let side = if production {
            &mut self.production
        } else {
            &mut self.non_production
        };
        side.push(&db.identifier);
    }

    fn is_shared(&self) -> bool {
        !self.production.is_empty() && !self.non_production.is_empty()
    }

    fn trusts_other_side(&self, peer: &Sharing) -> bool {
        (!self.production.is_empty() && !peer.non_production.is_empty())
            || (!self.non_production.is_empty() && !peer.production.is_empty())
    }

    fn sides(&self) -> &'static str {
        match (self.production.is_empty(), self.non_production.is_empty()) {
            (false, true) => "production",
            (true, false) => "non-production",
            _ => "production and non-production",
        }
    }
}

impl std::fmt::Display for Sharing<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "production {} and non-production {}",
            self.production.join(", "),
            self.non_production.join(", ")
        )
    }
}

fn shared<'a>(places: BTreeMap<&'a str, Sharing<'a>>) -> BTreeMap<&'a str, Sharing<'a>> {
    places
        .into_iter()
        .filter(|(_, sharing)| sharing.is_shared())
        .collect()
}

/// Runs `judge` on each region that has databases of both environments. A region with one
/// side only has nothing to keep apart; databases of unknown environment leave the region
/// insufficient evidence unless `judge` proved a failure among the placed ones.
fn per_region(
    check: &Check,
    ctx: &Context,
    judge: impl Fn(&RegionSnapshot, &Sides, Resource) -> Finding,
) -> Vec<Finding> {
    ctx.snapshot
        .regions
        .iter()
        .map(|region| {
            let instances = match &region.db_instances {
                Observed::Value(instances) => instances,
                Observed::Unknown(why) => return region_unknown(check, region, why),
            };
            let sides = Sides::new(region, instances, ctx);
            let resource = Resource::new(Scope::Region, &region.region, &region.region);
            let unplaced = || {
                format!(
                    "cannot place database(s) in an environment: {}",
                    sides.unknown.join("; ")
                )
            };
            let one_side = sides.production.is_empty() || sides.non_production.is_empty();
            let finding = if one_side && !sides.unknown.is_empty() {
                Finding::new(check, resource, Outcome::InsufficientEvidence, unplaced())
            } else if one_side {
                let declared = match ctx.snapshot.account.environment {
                    Some(environment) => format!(
                        " (the account is declared {environment}: the other environment lives \
                         in other accounts, apart by the account boundary)"
                    ),
                    None => String::new(),
                };
                Finding::new(
                    check,
                    resource,
                    Outcome::NotApplicable,
                    format!(
                        "nothing to keep apart: {} production and {} non-production \
                         databases{declared}",
                        sides.production.len(),
                        sides.non_production.len()
                    ),
                )
            } else {
                let judged = judge(region, &sides, resource);
                if judged.outcome == Outcome::Pass && !sides.unknown.is_empty() {
                    Finding {
                        outcome: Outcome::InsufficientEvidence,
                        detail: format!("{}; and {}", judged.detail, unplaced()),
                        ..judged
                    }
                } else {
                    judged
                }
            };
            let ids = |dbs: &[&DbInstance]| -> Vec<String> {
                dbs.iter().map(|db| db.identifier.clone()).collect()
            };
            finding
                .with("production", ids(&sides.production))
                .with("non_production", ids(&sides.non_production))
                .with("unknown_environment", &sides.unknown)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;
    use rds_evidence_inventory::Snapshot;

    fn dev(id: &str, subnet_group: &str, security_group: &str) -> DbInstance {
        let mut db = instance(id);
        db.tags = tags("dev");
        db.subnet_group = Some(subnet_group.into());
        db.vpc_security_groups = vec![security_group.into()];
        db
    }

    /// `prod` in the private subnets with `sg-db`, and `dev` beside it as the test says.
    fn estate(dev_db: DbInstance, dev_vpc: &str, dev_subnets: &[&str]) -> Snapshot {
        let mut s = networked(vec![instance("prod"), dev_db]);
        let east = &mut s.regions[0];
        items_mut(&mut east.db_subnet_groups).push(db_subnet_group("dev", dev_vpc, dev_subnets));
        items_mut(&mut east.network.security_groups).push(vpc_security_group(
            "sg-dev",
            "dev-db",
            Vec::new(),
        ));
        s
    }

    #[test]
    fn network_pass_when_apart() {
        let s = estate(dev("dev", "dev", "sg-dev"), "vpc-dev", &["subnet-x"]);
        let findings = run(&NETWORK_PROD_NONPROD_SEPARATED, &s);
        assert_eq!(outcomes(&findings), [("us-east-1".into(), Outcome::Pass)]);
        assert!(findings[0].detail.contains("separate VPCs"));
    }

    #[test]
    fn network_shared_vpc_passes_with_a_note() {
        let s = estate(dev("dev", "dev", "sg-dev"), "vpc-prod", &["subnet-x"]);
        let findings = run(&NETWORK_PROD_NONPROD_SEPARATED, &s);
        assert_eq!(outcomes(&findings), [("us-east-1".into(), Outcome::Pass)]);
        assert!(findings[0].detail.contains("share VPC vpc-prod"));
        assert_eq!(
            findings[0].values["shared_vpcs"]["vpc-prod"]["non_production"],
            serde_json::json!(["dev"])
        );
    }

    #[test]
    fn network_fail_on_shared_subnet() {
        let s = estate(
            dev("dev", "dev", "sg-dev"),
            "vpc-prod",
            &["subnet-x", "subnet-b"],
        );
        let findings = run(&NETWORK_PROD_NONPROD_SEPARATED, &s);
        assert_eq!(outcomes(&findings), [("us-east-1".into(), Outcome::Fail)]);
        assert!(
            findings[0]
                .detail
                .contains("subnet-b (production prod and non-production dev)"),
            "{}",
            findings[0].detail
        );
    }

    #[test]
    fn an_untagged_database_beside_one_side_is_insufficient_evidence() {
        let mut untagged = instance("untagged");
        untagged.tags.clear();
        let s = networked(vec![instance("prod"), untagged]);
        let findings = run(&NETWORK_PROD_NONPROD_SEPARATED, &s);
        assert_eq!(
            outcomes(&findings),
            [("us-east-1".into(), Outcome::InsufficientEvidence)]
        );
        assert_eq!(
            findings[0].values["unknown_environment"],
            serde_json::json!(["untagged (no Environment tag, no rule, no account declaration)"])
        );

        let findings = run(
            &NETWORK_PROD_NONPROD_SEPARATED,
            &networked(vec![instance("prod")]),
        );
        assert_eq!(
            outcomes(&findings),
            [("us-east-1".into(), Outcome::NotApplicable)],
            "one side only, every database placed: nothing to keep apart"
        );
    }

    #[test]
    fn a_pass_among_placed_databases_is_not_enough_beside_an_unplaced_one() {
        let mut s = estate(dev("dev", "dev", "sg-dev"), "vpc-dev", &["subnet-x"]);
        let mut untagged = instance("untagged");
        untagged.tags.clear();
        untagged.vpc_security_groups = vec!["sg-dev".into()];
        items_mut(&mut s.regions[0].db_instances).push(untagged);
        let findings = run(&SECURITY_GROUPS_PROD_NONPROD_SEPARATED, &s);
        assert_eq!(findings[0].outcome, Outcome::InsufficientEvidence);
        assert!(
            findings[0].detail.contains("cannot place database(s)"),
            "{}",
            findings[0].detail
        );
    }

    #[test]
    fn a_declared_account_is_one_side_by_construction() {
        let mut s = networked(vec![instance("prod")]);
        s.account.environment = Some(Environment::Production);
        let findings = run(&NETWORK_PROD_NONPROD_SEPARATED, &s);
        assert_eq!(findings[0].outcome, Outcome::NotApplicable);
        assert!(
            findings[0]
                .detail
                .contains("the account is declared production"),
            "{}",
            findings[0].detail
        );
    }

    #[test]
    fn every_database_has_its_environment_observed() {
        let mut untagged = instance("untagged");
        untagged.tags.clear();
        let mut s = networked(vec![instance("prod"), untagged]);
        s.regions[0].db_clusters = Observed::Value(vec![cluster("aurora")]);
        let findings = run(&DATABASE_ENVIRONMENT, &s);
        assert_eq!(
            outcomes(&findings),
            [
                ("prod".into(), Outcome::Observation),
                ("untagged".into(), Outcome::InsufficientEvidence),
                ("aurora".into(), Outcome::Observation),
            ]
        );
        assert_eq!(findings[0].detail, "production (tag Environment=prod)");
        assert_eq!(findings[0].values["environment"], "production");
    }

    #[test]
    fn network_unknowns_are_insufficient_evidence() {
        let mut s = estate(dev("dev", "dev", "sg-dev"), "vpc-dev", &["subnet-x"]);
        s.regions[0].db_subnet_groups = Observed::Unknown(denied("rds:DescribeDBSubnetGroups"));
        let findings = run(&NETWORK_PROD_NONPROD_SEPARATED, &s);
        assert_eq!(
            outcomes(&findings),
            [("us-east-1".into(), Outcome::InsufficientEvidence)]
        );
        assert!(findings[0].detail.contains("rds:DescribeDBSubnetGroups"));

        s.regions[0].db_instances = Observed::Unknown(denied("rds:DescribeDBInstances"));
        let findings = run(&NETWORK_PROD_NONPROD_SEPARATED, &s);
        assert_eq!(findings[0].outcome, Outcome::InsufficientEvidence);
        assert!(findings[0].detail.contains("rds:DescribeDBInstances"));
    }

    #[test]
    fn untagged_aurora_member_takes_its_cluster_environment() {
        let mut member = dev("member-1", "private", "sg-dev");
        member.tags.clear();
        member.cluster_identifier = Some("aurora-dev".into());
        let mut s = estate(member, "vpc-dev", &["subnet-x"]);
        let mut aurora = cluster("aurora-dev");
        aurora.tags = tags("test");
        s.regions[0].db_clusters = Observed::Value(vec![aurora]);
        let findings = run(&NETWORK_PROD_NONPROD_SEPARATED, &s);
        assert_eq!(outcomes(&findings), [("us-east-1".into(), Outcome::Fail)]);
    }

    #[test]
    fn security_groups_pass_and_not_applicable() {
        let s = estate(dev("dev", "dev", "sg-dev"), "vpc-dev", &["subnet-x"]);
        let findings = run(&SECURITY_GROUPS_PROD_NONPROD_SEPARATED, &s);
        assert_eq!(outcomes(&findings), [("us-east-1".into(), Outcome::Pass)]);

        let findings = run(
            &SECURITY_GROUPS_PROD_NONPROD_SEPARATED,
            &networked(vec![instance("prod")]),
        );
        assert_eq!(
            outcomes(&findings),
            [("us-east-1".into(), Outcome::NotApplicable)]
        );
    }

    #[test]
    fn security_groups_fail_when_shared_or_trusted() {
        let s = estate(dev("dev", "dev", "sg-db"), "vpc-dev", &["subnet-x"]);
        let findings = run(&SECURITY_GROUPS_PROD_NONPROD_SEPARATED, &s);
        assert_eq!(outcomes(&findings), [("us-east-1".into(), Outcome::Fail)]);
        assert!(findings[0]
            .detail
            .contains("sg-db is attached to production prod and non-production dev"));

        let mut s = estate(dev("dev", "dev", "sg-dev"), "vpc-dev", &["subnet-x"]);
        let groups = items_mut(&mut s.regions[0].network.security_groups);
        for port in [5432, 22] {
            groups[0].ingress.push(tcp_from(
                port,
                rds_evidence_inventory::network::Peer::SecurityGroup("sg-dev".into()),
            ));
        }
        let findings = run(&SECURITY_GROUPS_PROD_NONPROD_SEPARATED, &s);
        assert_eq!(outcomes(&findings), [("us-east-1".into(), Outcome::Fail)]);
        assert_eq!(
            findings[0].values["problems"],
            serde_json::json!(["sg-db (production) admits traffic from sg-dev (non-production)"])
        );
    }

    #[test]
    fn security_groups_unknown() {
        let mut s = estate(dev("dev", "dev", "sg-dev"), "vpc-dev", &["subnet-x"]);
        s.regions[0].network.security_groups =
            Observed::Unknown(denied("ec2:DescribeSecurityGroups"));
        let findings = run(&SECURITY_GROUPS_PROD_NONPROD_SEPARATED, &s);
        assert_eq!(
            outcomes(&findings),
            [("us-east-1".into(), Outcome::InsufficientEvidence)]
        );
        assert!(findings[0].detail.contains("ec2:DescribeSecurityGroups"));

        let s = estate(dev("dev", "dev", "sg-gone"), "vpc-dev", &["subnet-x"]);
        let findings = run(&SECURITY_GROUPS_PROD_NONPROD_SEPARATED, &s);
        assert_eq!(findings[0].outcome, Outcome::InsufficientEvidence);
        assert!(findings[0].detail.contains("sg-gone is not in the listing"));

        // A group shared by both sides is proof enough without the listing.
        let mut s = estate(dev("dev", "dev", "sg-db"), "vpc-dev", &["subnet-x"]);
        s.regions[0].network.security_groups =
            Observed::Unknown(denied("ec2:DescribeSecurityGroups"));
        let findings = run(&SECURITY_GROUPS_PROD_NONPROD_SEPARATED, &s);
        assert_eq!(findings[0].outcome, Outcome::Fail);
    }
}
