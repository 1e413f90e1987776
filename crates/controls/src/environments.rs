//! Which life cycle each database serves: production, non-production or unknown.
//!
//! Three sources, in this precedence: the account declared as one environment (accounts
//! file) > the attestations file's `[[environments]]` rules (name pattern, VPC, tags) > the
//! profile's tag rule (`environment_tag` with `production_values` and
//! `non_production_values`). An Aurora member or a read replica that none of them places takes
//! its cluster's or its source's environment. Rules of the same rank that disagree leave the
//! database unknown; every disagreement is kept for the findings to report. Nothing is
//! guessed: a database no source places is `unknown`, and checks scoped to production judge it
//! as production.

use std::collections::{BTreeSet, HashMap};

use rds_evidence_inventory::rds::{DbCluster, DbInstance, Tags};
use rds_evidence_inventory::{Environment, RegionSnapshot, Snapshot};

use crate::attestations::EnvironmentRule;
use crate::check::{Resource, Scope};
use crate::estate::glob_match;
use crate::scope::log_group_database;
use crate::Thresholds;

/// A database's environment and what decided it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Classification {
    pub environment: Environment,
    /// What decided it, as a finding says it: `account declared production`,
    /// `attestations rule 2`, `tag Environment=prod`, `member of cluster orders`.
    pub basis: String,
    /// Sources that said otherwise, e.g. `tag Environment=dev says non-production`.
    pub disagreements: Vec<String>,
}

/// Every database of the accounts evaluated, classified once per evaluation.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Environments {
    /// By account (empty: the evaluation's only account), region, then identifier: looked up
    /// by `&str` for every finding a production scope weighs, without allocating.
    instances: HashMap<String, HashMap<String, HashMap<String, Classification>>>,
    clusters: HashMap<String, HashMap<String, HashMap<String, Classification>>>,
}

impl Environments {
    /// The databases of one account; `declared` is the environment declared for the whole
    /// account (accounts or case-study file), which outranks every rule and tag.
    pub fn classify(
        snapshot: &Snapshot,
        thresholds: &Thresholds,
        rules: &[EnvironmentRule],
        declared: Option<Environment>,
    ) -> Environments {
        let mut environments = Environments::default();
        for region in &snapshot.regions {
            let clusters = region.db_clusters.value().map_or(&[][..], Vec::as_slice);
            let instances = region.db_instances.value().map_or(&[][..], Vec::as_slice);
            for cluster in clusters {
                let own = Opinions::of(
                    declared,
                    rules,
                    thresholds,
                    &cluster.identifier,
                    cluster_vpc(region, cluster),
                    &cluster.tags,
                );
                environments.insert(Scope::DbCluster, region, &cluster.identifier, own.decide());
            }
            // Sources first, so that replicas can inherit: a source is never itself a replica
            // of one of its replicas.
            let mut ordered: Vec<&DbInstance> = instances.iter().collect();
            ordered.sort_by_key(|i| i.replica_source.is_some());
            for instance in ordered {
                let own = Opinions::of(
                    declared,
                    rules,
                    thresholds,
                    &instance.identifier,
                    instance.vpc_id.as_deref(),
                    &instance.tags,
                )
                .decide();
                // Only a database no source speaks of inherits: a disagreement stays its own.
                let silent =
                    own.environment == Environment::Unknown && own.disagreements.is_empty();
                let classification = if silent {
                    environments.inherited(region, instance).unwrap_or(own)
                } else {
                    own
                };
                environments.insert(
                    Scope::DbInstance,
                    region,
                    &instance.identifier,
                    classification,
                );
            }
        }
        environments
    }

    /// The classification of a database; unknown for one the snapshot does not list.
    pub fn of(&self, kind: Scope, region: &str, id: &str) -> Classification {
        self.get(kind, region, id)
            .cloned()
            .unwrap_or_else(|| Classification {
                environment: Environment::Unknown,
                basis: "not in the snapshot's listings".to_owned(),
                disagreements: Vec::new(),
            })
    }

    /// The environment a finding's resource belongs to: a database's own, an RDS log group's
    /// database's, and unknown for everything else (so that production scopes keep it).
    pub fn of_resource(&self, resource: &Resource) -> Environment {
        let database = match resource.kind {
            Scope::DbInstance | Scope::DbCluster => Some((resource.kind, resource.id.as_str())),
            Scope::LogGroup => log_group_database(&resource.id),
            _ => None,
        };
        database
            .and_then(|(kind, id)| self.get_in(&resource.account, kind, &resource.region, id))
            .map_or(Environment::Unknown, |c| c.environment)
    }

    /// The environment of `account`'s database: under the account in an evaluation of
    /// several, else the evaluation's only account.
    pub fn of_database(&self, account: &str, kind: Scope, region: &str, id: &str) -> Environment {
        self.get_in(account, kind, region, id)
            .or_else(|| self.get(kind, region, id))
            .map_or(Environment::Unknown, |c| c.environment)
    }

    /// The environments of the databases `judged` holds (an account's part in a case study).
    pub fn present_in(&self, judged: &Snapshot) -> BTreeSet<Environment> {
        let mut present = BTreeSet::new();
        for region in &judged.regions {
            let name = &region.region;
            for instance in region.db_instances.value().into_iter().flatten() {
                present.insert(
                    self.of(Scope::DbInstance, name, &instance.identifier)
                        .environment,
                );
            }
            for cluster in region.db_clusters.value().into_iter().flatten() {
                present.insert(
                    self.of(Scope::DbCluster, name, &cluster.identifier)
                        .environment,
                );
            }
        }
        present
    }

    /// Adds another account's classification, under `account` when findings name their
    /// account (an evaluation of several), else as the only account.
    pub fn merge(&mut self, other: Environments, account: Option<&str>) {
        let key = account.unwrap_or_default().to_owned();
        for (mine, theirs) in [
            (&mut self.instances, other.instances),
            (&mut self.clusters, other.clusters),
        ] {
            for (_, by_region) in theirs {
                mine.entry(key.clone()).or_default().extend(by_region);
            }
        }
    }

    /// Within one account's classification.
    fn get(&self, kind: Scope, region: &str, id: &str) -> Option<&Classification> {
        self.get_in("", kind, region, id)
    }

    fn get_in(
        &self,
        account: &str,
        kind: Scope,
        region: &str,
        id: &str,
    ) -> Option<&Classification> {
        let by_account = match kind {
            Scope::DbInstance => &self.instances,
            Scope::DbCluster => &self.clusters,
            _ => return None,
        };
        by_account.get(account)?.get(region)?.get(id)
    }

    fn insert(&mut self, kind: Scope, region: &RegionSnapshot, id: &str, c: Classification) {
        let by_account = match kind {
            Scope::DbCluster => &mut self.clusters,
            _ => &mut self.instances,
        };
        by_account
            .entry(String::new())
            .or_default()
            .entry(region.region.clone())
            .or_default()
            .insert(id.to_owned(), c);
    }

    /// An Aurora member's cluster's, or a same-region read replica's source's environment.
    fn inherited(&self, region: &RegionSnapshot, instance: &DbInstance) -> Option<Classification> {
        let (kind, id, relation) = match (&instance.cluster_identifier, &instance.replica_source) {
            (Some(cluster), _) => (Scope::DbCluster, cluster.as_str(), "member of cluster"),
            (None, Some(source)) if !source.starts_with("arn:") => {
                (Scope::DbInstance, source.as_str(), "read replica of")
            }
            _ => return None,
        };
        let parent = self.get(kind, &region.region, id)?;
        (parent.environment != Environment::Unknown).then(|| Classification {
            environment: parent.environment,
            basis: format!("{relation} {id} ({})", parent.basis),
            disagreements: parent.disagreements.clone(),
        })
    }
}

/// What each source says of one database.
struct Opinions {
    account: Option<Environment>,
    /// `(rule number, environment)` of every matching rule.
    rules: Vec<(usize, Environment)>,
    /// The tag's value and what it means, when the database carries the tag.
    tag: Option<(String, Environment)>,
    tag_key: String,
}

impl Opinions {
    fn of(
        declared: Option<Environment>,
        rules: &[EnvironmentRule],
        thresholds: &Thresholds,
        id: &str,
        vpc: Option<&str>,
        tags: &Tags,
    ) -> Opinions {
        let tag = tags.get(&thresholds.environment_tag).map(|value| {
            let is = |values: &[String]| values.iter().any(|v| v.eq_ignore_ascii_case(value));
            let meaning = if is(&thresholds.production_values) {
                Environment::Production
            } else if is(&thresholds.non_production_values) {
                Environment::NonProduction
            } else {
                Environment::Unknown
            };
            (value.clone(), meaning)
        });
        Opinions {
            account: declared,
            rules: rules
                .iter()
                .filter(|rule| matches_rule(rule, id, vpc, tags))
                .map(|rule| (rule.number, rule.environment))
                .collect(),
            tag,
            tag_key: thresholds.environment_tag.clone(),
        }
    }

    fn decide(self) -> Classification {
        let mut said: Vec<(String, Environment)> = Vec::new();
        if let Some(environment) = self.account {
            said.push((format!("account declared {environment}"), environment));
        }
        let rule_environments: Vec<Environment> = self.rules.iter().map(|(_, e)| *e).collect();
        for (number, environment) in &self.rules {
            said.push((format!("attestations rule {number}"), *environment));
        }
        let tag_text = self
            .tag
            .as_ref()
            .map(|(value, _)| format!("tag {}={value}", self.tag_key));
        if let (Some((_, meaning)), Some(text)) = (&self.tag, &tag_text) {
            if *meaning != Environment::Unknown {
                said.push((text.clone(), *meaning));
            }
        }
        let rules_disagree = rule_environments.windows(2).any(|w| w[0] != w[1]);
        let (environment, basis) = if let Some(environment) = self.account {
            (environment, said[0].0.clone())
        } else if rules_disagree {
            (
                Environment::Unknown,
                "attestations rules disagree".to_owned(),
            )
        } else if let Some(first) = said.first() {
            (first.1, first.0.clone())
        } else {
            let basis = match tag_text {
                Some(text) => format!("{text} is neither a production nor a non-production value"),
                None => format!("no {} tag, no rule, no account declaration", self.tag_key),
            };
            (Environment::Unknown, basis)
        };
        let disagreements = said
            .into_iter()
            .filter(|(_, said)| *said != environment)
            .map(|(source, said)| format!("{source} says {said}"))
            .collect();
        Classification {
            environment,
            basis,
            disagreements,
        }
    }
}

fn matches_rule(rule: &EnvironmentRule, id: &str, vpc: Option<&str>, tags: &Tags) -> bool {
    rule.names.iter().any(|pattern| wildcard_match(pattern, id))
        || vpc.is_some_and(|vpc| rule.vpcs.iter().any(|v| v == vpc))
        || (!rule.tags.is_empty()
            && rule
                .tags
                .iter()
                .all(|(key, value)| tags.get(key).is_some_and(|v| wildcard_match(value, v))))
}

/// A name pattern, ignoring ASCII case (RDS lower-cases identifiers).
pub(crate) fn wildcard_match(pattern: &str, text: &str) -> bool {
    glob_match(&pattern.to_ascii_lowercase(), &text.to_ascii_lowercase())
}

/// The VPC of a cluster, from its DB subnet group.
fn cluster_vpc<'a>(region: &'a RegionSnapshot, cluster: &DbCluster) -> Option<&'a str> {
    let name = cluster.subnet_group.as_deref()?;
    region
        .db_subnet_groups
        .value()?
        .iter()
        .find(|group| group.name == name)?
        .vpc_id
        .as_deref()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;
    use rds_evidence_inventory::Observed;
    use std::collections::BTreeMap;

    fn rule(number: usize, environment: Environment, names: &[&str]) -> EnvironmentRule {
        EnvironmentRule {
            number,
            environment,
            names: names.iter().map(|n| (*n).to_owned()).collect(),
            vpcs: Vec::new(),
            tags: BTreeMap::new(),
        }
    }

    fn of(s: &Snapshot, rules: &[EnvironmentRule], id: &str) -> Classification {
        Environments::classify(s, &Thresholds::default(), rules, s.account.environment).of(
            Scope::DbInstance,
            "us-east-1",
            id,
        )
    }

    #[test]
    fn tag_values_are_recognised_or_unknown() {
        let mut dev = instance("dev");
        dev.tags = tags("Development");
        let mut shared = instance("shared");
        shared.tags = tags("shared");
        let mut bare = instance("bare");
        bare.tags.clear();
        let s = with_instances(vec![instance("prod"), dev, shared, bare]);
        assert_eq!(of(&s, &[], "prod").environment, Environment::Production);
        assert_eq!(of(&s, &[], "prod").basis, "tag Environment=prod");
        assert_eq!(of(&s, &[], "dev").environment, Environment::NonProduction);
        let shared = of(&s, &[], "shared");
        assert_eq!(shared.environment, Environment::Unknown);
        assert!(shared.basis.contains("neither"), "{}", shared.basis);
        assert_eq!(of(&s, &[], "bare").environment, Environment::Unknown);
    }

    #[test]
    fn account_outranks_rules_which_outrank_tags() {
        let mut s = with_instances(vec![instance("orders-db")]);
        let rules = [rule(1, Environment::NonProduction, &["orders-*"])];
        let by_rule = of(&s, &rules, "orders-db");
        assert_eq!(by_rule.environment, Environment::NonProduction);
        assert_eq!(by_rule.basis, "attestations rule 1");
        assert_eq!(
            by_rule.disagreements,
            ["tag Environment=prod says production"]
        );

        s.account.environment = Some(Environment::Production);
        let by_account = of(&s, &rules, "orders-db");
        assert_eq!(by_account.environment, Environment::Production);
        assert_eq!(by_account.basis, "account declared production");
        assert_eq!(
            by_account.disagreements,
            ["attestations rule 1 says non-production"]
        );
    }

    #[test]
    fn disagreeing_rules_leave_the_database_unknown() {
        let s = with_instances(vec![instance("orders-db")]);
        let rules = [
            rule(1, Environment::NonProduction, &["orders-*"]),
            rule(2, Environment::Production, &["*-db"]),
        ];
        let c = of(&s, &rules, "orders-db");
        assert_eq!(c.environment, Environment::Unknown);
        assert_eq!(c.disagreements.len(), 3, "{:?}", c.disagreements);
    }

    #[test]
    fn rules_match_by_vpc_and_tags() {
        let mut db = instance("db");
        db.tags = Tags::from([("Stage".to_owned(), "live-eu".to_owned())]);
        let s = with_instances(vec![db]);
        let mut by_vpc = rule(1, Environment::Production, &[]);
        by_vpc.vpcs = vec!["vpc-prod".into()];
        assert_eq!(of(&s, &[by_vpc], "db").environment, Environment::Production);
        let mut by_tags = rule(1, Environment::Production, &[]);
        by_tags.tags = BTreeMap::from([("Stage".into(), "live-*".into())]);
        assert_eq!(
            of(&s, &[by_tags.clone()], "db").environment,
            Environment::Production
        );
        by_tags.tags.insert("Team".into(), "orders".into());
        assert_eq!(
            of(&s, &[by_tags], "db").environment,
            Environment::Unknown,
            "all of a rule's tags must match"
        );
    }

    #[test]
    fn members_and_replicas_inherit() {
        let mut member = member_of("member-1", "aurora", "us-east-1a");
        member.tags.clear();
        let mut replica = replica_of("replica", "source");
        replica.tags.clear();
        let mut source = instance("source");
        source.tags = tags("staging");
        let mut s = with_instances(vec![replica, member, source]);
        s.regions[0].db_clusters = Observed::Value(vec![cluster("aurora")]);
        let member = of(&s, &[], "member-1");
        assert_eq!(member.environment, Environment::Production);
        assert_eq!(
            member.basis,
            "member of cluster aurora (tag Environment=prod)"
        );
        assert_eq!(
            of(&s, &[], "replica").environment,
            Environment::NonProduction
        );
    }

    #[test]
    fn log_groups_belong_to_their_database() {
        let s = with_instances(vec![instance("prod")]);
        let environments = Environments::classify(&s, &Thresholds::default(), &[], None);
        let log = Resource::new(
            Scope::LogGroup,
            "us-east-1",
            "/aws/rds/instance/prod/postgresql",
        );
        assert_eq!(environments.of_resource(&log), Environment::Production);
        let other = Resource::new(Scope::LogGroup, "us-east-1", "/aws/lambda/x");
        assert_eq!(environments.of_resource(&other), Environment::Unknown);
    }

    #[test]
    fn wildcards() {
        assert!(wildcard_match("orders-*", "orders-db"));
        assert!(wildcard_match("*-prod", "Orders-PROD"));
        assert!(wildcard_match("a*b*c", "axxbyyc"));
        assert!(wildcard_match("*", ""));
        assert!(!wildcard_match("a*b", "ab-c"));
        assert!(!wildcard_match("orders", "orders-db"));
        assert!(!wildcard_match("ab*ba", "aba"), "parts may not overlap");
    }
}
