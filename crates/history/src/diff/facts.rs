//! Resources and the settings a validator cares about, read out of a snapshot into one shape,
//! so that two snapshots compare listing by listing and resource by resource.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use rds_evidence_inventory::network::{Peer, SecurityGroup};
use rds_evidence_inventory::rds::{DbCluster, DbInstance, DbSnapshot};
use rds_evidence_inventory::{Observed, RegionSnapshot, Snapshot};
use serde::Serialize;

use super::{Drift, Presence, ResourceChange};

/// What kind of resource, for listings and drift.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    DbInstance,
    DbCluster,
    /// Manual snapshots only: automated ones come and go every day.
    DbSnapshot,
    DbClusterSnapshot,
    SecurityGroup,
    KmsKey,
    Vpc,
    DbSubnetGroup,
    ParameterGroup,
    OptionGroup,
    DbProxy,
    EventSubscription,
    GlobalCluster,
    Secret,
    BackupPlan,
    Trail,
}

impl Kind {
    pub fn label(self) -> &'static str {
        match self {
            Kind::DbInstance => "instance",
            Kind::DbCluster => "cluster",
            Kind::DbSnapshot => "manual snapshot",
            Kind::DbClusterSnapshot => "manual cluster snapshot",
            Kind::SecurityGroup => "security group",
            Kind::KmsKey => "KMS key",
            Kind::Vpc => "VPC",
            Kind::DbSubnetGroup => "DB subnet group",
            Kind::ParameterGroup => "parameter group",
            Kind::OptionGroup => "option group",
            Kind::DbProxy => "DB proxy",
            Kind::EventSubscription => "event subscription",
            Kind::GlobalCluster => "global database",
            Kind::Secret => "secret",
            Kind::BackupPlan => "backup plan",
            Kind::Trail => "CloudTrail trail",
        }
    }

    pub fn plural(self) -> String {
        match self {
            Kind::DbProxy => "DB proxies".to_owned(),
            kind => format!("{}s", kind.label()),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct ResourceRef {
    pub kind: Kind,
    /// Empty for what belongs to the account (trails).
    pub region: String,
    pub id: String,
}

impl fmt::Display for ResourceRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.region.is_empty() {
            write!(f, "{} {}", self.kind.label(), self.id)
        } else {
            write!(f, "{} {}/{}", self.kind.label(), self.region, self.id)
        }
    }
}

/// A setting compared between runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Attribute {
    BackupRetentionDays,
    MultiAz,
    PubliclyAccessible,
    StorageEncrypted,
    DeletionProtection,
    IamDatabaseAuthentication,
    EngineVersion,
    InstanceClass,
    CaCertificate,
    IngressRule,
    KeyRotation,
    KeyState,
    TrailLogging,
    LogFileValidation,
    MultiRegionTrail,
}

impl Attribute {
    pub fn label(self) -> &'static str {
        match self {
            Attribute::BackupRetentionDays => "backup retention (days)",
            Attribute::MultiAz => "Multi-AZ",
            Attribute::PubliclyAccessible => "publicly accessible",
            Attribute::StorageEncrypted => "storage encrypted",
            Attribute::DeletionProtection => "deletion protection",
            Attribute::IamDatabaseAuthentication => "IAM database authentication",
            Attribute::EngineVersion => "engine version",
            Attribute::InstanceClass => "instance class",
            Attribute::CaCertificate => "CA certificate",
            Attribute::IngressRule => "ingress",
            Attribute::KeyRotation => "key rotation",
            Attribute::KeyState => "key state",
            Attribute::TrailLogging => "logging",
            Attribute::LogFileValidation => "log file validation",
            Attribute::MultiRegionTrail => "multi-region",
        }
    }

    /// Whether going from `old` to `new` weakens the evidence: retention lowered, a
    /// protection turned off, the database made public, a rule opened to the whole internet,
    /// a key leaving the enabled state. Versions, classes and CAs change without judgement.
    fn regression(self, old: Option<&Value>, new: Option<&Value>) -> bool {
        use Value::{Flag, Number, Text};
        match self {
            Attribute::BackupRetentionDays => {
                matches!((old, new), (Some(Number(o)), Some(Number(n))) if n < o)
            }
            Attribute::MultiAz
            | Attribute::StorageEncrypted
            | Attribute::DeletionProtection
            | Attribute::IamDatabaseAuthentication
            | Attribute::KeyRotation
            | Attribute::TrailLogging
            | Attribute::LogFileValidation
            | Attribute::MultiRegionTrail => old == Some(&Flag(true)) && new == Some(&Flag(false)),
            Attribute::PubliclyAccessible => new == Some(&Flag(true)) && old != Some(&Flag(true)),
            Attribute::IngressRule => {
                old.is_none()
                    && matches!(new, Some(Value::Rule(rule)) if rule.peer.is_whole_internet())
            }
            Attribute::KeyState => {
                matches!(old, Some(Text(o)) if o == "Enabled")
                    && !matches!(new, Some(Text(n)) if n == "Enabled")
            }
            Attribute::EngineVersion | Attribute::InstanceClass | Attribute::CaCertificate => false,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(untagged)]
pub enum Value {
    Number(i64),
    Flag(bool),
    Text(String),
    Rule(Rule),
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Number(n) => write!(f, "{n}"),
            Value::Flag(true) => f.write_str("yes"),
            Value::Flag(false) => f.write_str("no"),
            Value::Text(text) => f.write_str(text),
            Value::Rule(rule) => rule.fmt(f),
        }
    }
}

/// An ingress permission, without its description (editing a description opens nothing).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Rule {
    /// `tcp`, `udp`, `icmp`, a number, or `-1` for all traffic.
    pub protocol: String,
    /// `(from, to)`; `None` for every port.
    pub ports: Option<(i32, i32)>,
    pub peer: Peer,
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.protocol.as_str(), self.ports) {
            ("-1", _) => f.write_str("all traffic")?,
            (protocol, None) => write!(f, "{protocol} all ports")?,
            (protocol, Some((from, to))) if from == to => write!(f, "{protocol} {from}")?,
            (protocol, Some((from, to))) => write!(f, "{protocol} {from}-{to}")?,
        }
        let peer = match &self.peer {
            Peer::Ipv4Cidr(v)
            | Peer::Ipv6Cidr(v)
            | Peer::SecurityGroup(v)
            | Peer::PrefixList(v) => v,
        };
        write!(f, " from {peer}")
    }
}

/// A setting as read: a value (`None` when the API does not report it), or why it is unknown.
enum Fact {
    Known(Option<Value>),
    Unknown(String),
}

#[derive(Default)]
struct Facts {
    settings: Vec<(Attribute, Fact)>,
    /// Security groups only.
    ingress: BTreeSet<Rule>,
}

/// One listing of one region: its resources by id, or why it could not be read.
type Listing = Result<BTreeMap<String, Facts>, String>;

/// Every listing of a snapshot, by kind and region (`""` for the account).
struct Inventory {
    listings: BTreeMap<(Kind, String), Listing>,
    regions: BTreeSet<String>,
}

pub(super) fn compare(
    old: &Snapshot,
    new: &Snapshot,
    not_compared: &mut Vec<String>,
) -> (Vec<ResourceChange>, Vec<Drift>) {
    let (before, after) = (Inventory::of(old), Inventory::of(new));
    for (region, only_in) in before
        .regions
        .symmetric_difference(&after.regions)
        .map(|r| {
            (
                r,
                if before.regions.contains(r) {
                    "older"
                } else {
                    "newer"
                },
            )
        })
    {
        not_compared.push(format!(
            "region {region}: collected in the {only_in} run only, so its resources are not compared"
        ));
    }
    let mut resources = Vec::new();
    let mut drift = Vec::new();
    for ((kind, region), old_listing) in &before.listings {
        let Some(new_listing) = after.listings.get(&(*kind, region.clone())) else {
            continue;
        };
        let (old_items, new_items) = match (old_listing, new_listing) {
            (Ok(a), Ok(b)) => (a, b),
            (Err(why), _) | (_, Err(why)) => {
                let side = if old_listing.is_err() {
                    "older"
                } else {
                    "newer"
                };
                not_compared.push(format!(
                    "{} in {}: unknown in the {side} run ({why})",
                    kind.plural(),
                    place(region)
                ));
                continue;
            }
        };
        let resource = |id: &str| ResourceRef {
            kind: *kind,
            region: region.clone(),
            id: id.to_owned(),
        };
        for (id, old_facts) in old_items {
            match new_items.get(id) {
                None => resources.push(ResourceChange {
                    change: Presence::Removed,
                    resource: resource(id),
                }),
                Some(new_facts) => {
                    compare_facts(
                        &resource(id),
                        old_facts,
                        new_facts,
                        &mut drift,
                        not_compared,
                    );
                }
            }
        }
        for id in new_items.keys().filter(|id| !old_items.contains_key(*id)) {
            resources.push(ResourceChange {
                change: Presence::Added,
                resource: resource(id),
            });
        }
    }
    resources.sort_by(|a, b| a.resource.cmp(&b.resource));
    (resources, drift)
}

fn place(region: &str) -> &str {
    if region.is_empty() {
        "the account"
    } else {
        region
    }
}

fn compare_facts(
    resource: &ResourceRef,
    old: &Facts,
    new: &Facts,
    drift: &mut Vec<Drift>,
    not_compared: &mut Vec<String>,
) {
    for (attribute, old_fact) in &old.settings {
        let Some((_, new_fact)) = new.settings.iter().find(|(a, _)| a == attribute) else {
            continue;
        };
        match (old_fact, new_fact) {
            (Fact::Known(o), Fact::Known(n)) if o != n => drift.push(Drift {
                resource: resource.clone(),
                attribute: *attribute,
                regression: attribute.regression(o.as_ref(), n.as_ref()),
                old: o.clone(),
                new: n.clone(),
            }),
            (Fact::Known(_), Fact::Known(_)) => {}
            (Fact::Unknown(why), _) | (_, Fact::Unknown(why)) => {
                let side = if matches!(old_fact, Fact::Unknown(_)) {
                    "older"
                } else {
                    "newer"
                };
                not_compared.push(format!(
                    "{} of {resource}: unknown in the {side} run ({why})",
                    attribute.label()
                ));
            }
        }
    }
    let rules = |from: &BTreeSet<Rule>, without: &BTreeSet<Rule>| -> Vec<Rule> {
        from.difference(without).cloned().collect()
    };
    for rule in rules(&old.ingress, &new.ingress) {
        drift.push(Drift {
            resource: resource.clone(),
            attribute: Attribute::IngressRule,
            regression: false,
            old: Some(Value::Rule(rule)),
            new: None,
        });
    }
    for rule in rules(&new.ingress, &old.ingress) {
        let new = Some(Value::Rule(rule));
        drift.push(Drift {
            resource: resource.clone(),
            attribute: Attribute::IngressRule,
            regression: Attribute::IngressRule.regression(None, new.as_ref()),
            old: None,
            new,
        });
    }
}

impl Inventory {
    fn of(snapshot: &Snapshot) -> Inventory {
        let mut listings = BTreeMap::new();
        for region in &snapshot.regions {
            region_listings(region, &mut listings);
        }
        listings.insert(
            (Kind::Trail, String::new()),
            listing(&snapshot.account_wide.trails, |trail| {
                Some((
                    trail.name.clone(),
                    settings(vec![
                        (Attribute::TrailLogging, observed_flag(&trail.logging)),
                        (
                            Attribute::LogFileValidation,
                            flag(trail.log_file_validation),
                        ),
                        (Attribute::MultiRegionTrail, flag(trail.multi_region)),
                    ]),
                ))
            }),
        );
        Inventory {
            listings,
            regions: snapshot.regions.iter().map(|r| r.region.clone()).collect(),
        }
    }
}

fn region_listings(region: &RegionSnapshot, listings: &mut BTreeMap<(Kind, String), Listing>) {
    let mut add = |kind: Kind, listing: Listing| {
        listings.insert((kind, region.region.clone()), listing);
    };
    let bare = |name: &str| Some((name.to_owned(), Facts::default()));
    add(
        Kind::DbInstance,
        listing(&region.db_instances, |i| {
            Some((i.identifier.clone(), instance_facts(i)))
        }),
    );
    add(
        Kind::DbCluster,
        listing(&region.db_clusters, |c| {
            Some((c.identifier.clone(), cluster_facts(c)))
        }),
    );
    let manual = |s: &DbSnapshot| {
        s.is_manual()
            .then(|| (s.identifier.clone(), Facts::default()))
    };
    add(Kind::DbSnapshot, listing(&region.db_snapshots, manual));
    add(
        Kind::DbClusterSnapshot,
        listing(&region.db_cluster_snapshots, manual),
    );
    add(
        Kind::SecurityGroup,
        listing(&region.network.security_groups, |g| {
            Some((g.id.clone(), security_group_facts(g)))
        }),
    );
    add(
        Kind::KmsKey,
        Ok(region
            .kms_keys
            .iter()
            .map(|key| {
                let state = match &key.metadata {
                    Observed::Value(m) => Fact::Known(m.key_state.clone().map(Value::Text)),
                    Observed::Unknown(why) => Fact::Unknown(why.to_string()),
                };
                let facts = settings(vec![
                    (Attribute::KeyRotation, observed_flag(&key.rotation_enabled)),
                    (Attribute::KeyState, state),
                ]);
                (key.arn.clone(), facts)
            })
            .collect()),
    );
    add(Kind::Vpc, listing(&region.network.vpcs, |v| bare(&v.id)));
    add(
        Kind::DbSubnetGroup,
        listing(&region.db_subnet_groups, |g| bare(&g.name)),
    );
    add(
        Kind::ParameterGroup,
        Ok(region
            .parameter_groups
            .iter()
            .filter_map(|g| bare(&g.name))
            .collect()),
    );
    add(
        Kind::OptionGroup,
        Ok(region
            .option_groups
            .iter()
            .filter_map(|g| bare(&g.name))
            .collect()),
    );
    add(
        Kind::DbProxy,
        listing(&region.db_proxies, |p| bare(&p.name)),
    );
    add(
        Kind::EventSubscription,
        listing(&region.event_subscriptions, |s| bare(&s.name)),
    );
    add(
        Kind::GlobalCluster,
        listing(&region.global_clusters, |g| bare(&g.identifier)),
    );
    add(Kind::Secret, listing(&region.secrets, |s| bare(&s.name)));
    add(
        Kind::BackupPlan,
        listing(&region.backup.plans, |p| bare(&p.name)),
    );
}

fn listing<T>(
    observed: &Observed<Vec<T>>,
    item: impl Fn(&T) -> Option<(String, Facts)>,
) -> Listing {
    match observed {
        Observed::Value(items) => Ok(items.iter().filter_map(item).collect()),
        Observed::Unknown(why) => Err(why.to_string()),
    }
}

fn settings(settings: Vec<(Attribute, Fact)>) -> Facts {
    Facts {
        settings,
        ingress: BTreeSet::new(),
    }
}

fn flag(value: bool) -> Fact {
    Fact::Known(Some(Value::Flag(value)))
}

fn maybe_flag(value: Option<bool>) -> Fact {
    Fact::Known(value.map(Value::Flag))
}

fn observed_flag(observed: &Observed<bool>) -> Fact {
    match observed {
        Observed::Value(value) => flag(*value),
        Observed::Unknown(why) => Fact::Unknown(why.to_string()),
    }
}

fn text(value: &str) -> Fact {
    Fact::Known(Some(Value::Text(value.to_owned())))
}

fn instance_facts(instance: &DbInstance) -> Facts {
    settings(vec![
        (
            Attribute::BackupRetentionDays,
            Fact::Known(Some(Value::Number(instance.backup.retention_days.into()))),
        ),
        (Attribute::MultiAz, flag(instance.multi_az)),
        (
            Attribute::PubliclyAccessible,
            maybe_flag(instance.publicly_accessible),
        ),
        (
            Attribute::StorageEncrypted,
            flag(instance.storage.encrypted),
        ),
        (
            Attribute::DeletionProtection,
            flag(instance.deletion_protection),
        ),
        (
            Attribute::IamDatabaseAuthentication,
            flag(instance.iam_database_authentication),
        ),
        (Attribute::EngineVersion, text(&instance.engine_version)),
        (Attribute::InstanceClass, text(&instance.instance_class)),
        (
            Attribute::CaCertificate,
            Fact::Known(
                instance
                    .ca_certificate
                    .as_ref()
                    .map(|ca| Value::Text(ca.identifier.clone())),
            ),
        ),
    ])
}

fn cluster_facts(cluster: &DbCluster) -> Facts {
    settings(vec![
        (
            Attribute::BackupRetentionDays,
            Fact::Known(Some(Value::Number(cluster.backup.retention_days.into()))),
        ),
        (Attribute::MultiAz, flag(cluster.multi_az)),
        (
            Attribute::PubliclyAccessible,
            maybe_flag(cluster.publicly_accessible),
        ),
        (Attribute::StorageEncrypted, flag(cluster.storage.encrypted)),
        (
            Attribute::DeletionProtection,
            flag(cluster.deletion_protection),
        ),
        (
            Attribute::IamDatabaseAuthentication,
            flag(cluster.iam_database_authentication),
        ),
        (Attribute::EngineVersion, text(&cluster.engine_version)),
    ])
}

fn security_group_facts(group: &SecurityGroup) -> Facts {
    Facts {
        settings: Vec::new(),
        ingress: group
            .ingress
            .iter()
            .map(|rule| Rule {
                protocol: rule.protocol.clone(),
                ports: rule.ports.map(|p| (p.from, p.to)),
                peer: rule.peer.clone(),
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_read_as_a_validator_writes_them() {
        let rule = |protocol: &str, ports, peer| Rule {
            protocol: protocol.to_owned(),
            ports,
            peer,
        };
        let world = Peer::Ipv4Cidr("0.0.0.0/0".to_owned());
        assert_eq!(
            rule("tcp", Some((5432, 5432)), world.clone()).to_string(),
            "tcp 5432 from 0.0.0.0/0"
        );
        assert_eq!(
            rule(
                "tcp",
                Some((1024, 2048)),
                Peer::SecurityGroup("sg-1".into())
            )
            .to_string(),
            "tcp 1024-2048 from sg-1"
        );
        assert_eq!(
            rule("-1", None, world).to_string(),
            "all traffic from 0.0.0.0/0"
        );
    }

    #[test]
    fn which_moves_are_regressions() {
        use Value::{Flag, Number, Text};
        let r =
            |a: Attribute, o: Option<Value>, n: Option<Value>| a.regression(o.as_ref(), n.as_ref());
        assert!(r(
            Attribute::BackupRetentionDays,
            Some(Number(7)),
            Some(Number(1))
        ));
        assert!(!r(
            Attribute::BackupRetentionDays,
            Some(Number(1)),
            Some(Number(7))
        ));
        assert!(r(Attribute::MultiAz, Some(Flag(true)), Some(Flag(false))));
        assert!(!r(Attribute::MultiAz, Some(Flag(false)), Some(Flag(true))));
        assert!(r(Attribute::PubliclyAccessible, None, Some(Flag(true))));
        assert!(!r(Attribute::PubliclyAccessible, Some(Flag(true)), None));
        assert!(r(
            Attribute::KeyState,
            Some(Text("Enabled".into())),
            Some(Text("PendingDeletion".into()))
        ));
        assert!(!r(
            Attribute::EngineVersion,
            Some(Text("16.4".into())),
            Some(Text("15.2".into()))
        ));
        let private = Rule {
            protocol: "tcp".into(),
            ports: Some((5432, 5432)),
            peer: Peer::Ipv4Cidr("10.0.0.0/8".into()),
        };
        assert!(!r(Attribute::IngressRule, None, Some(Value::Rule(private))));
    }
}
