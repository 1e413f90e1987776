//! Encryption at rest of databases.

use crate::check::{check, Check, Finding, Outcome, Scope, Severity};
use crate::estate::{cluster_member, cluster_resource, instance_resource, judge_each};
use crate::Context;

pub(crate) static CHECKS: &[&Check] = &[&INSTANCE_STORAGE_ENCRYPTED, &CLUSTER_STORAGE_ENCRYPTED];

check! {
    /// Instance storage is encrypted at rest.
    ///
    /// Aurora members are judged on their cluster (`rds.cluster.storage_encrypted`), never here.
    pub static INSTANCE_STORAGE_ENCRYPTED = Check {
        id: "rds.instance.storage_encrypted",
        title: "DB instance storage is encrypted at rest",
        rationale: "Unencrypted storage, its snapshots and its replicas expose data to anyone who \
                    obtains a copy; encryption at rest is the checklist's default expectation.",
        remediation: "Encryption cannot be switched on in place: snapshot the instance, copy the \
                      snapshot with a KMS key, restore from the copy and cut over.",
        severity: Severity::High,
        scope: Scope::DbInstance,
        evaluate: instance_storage_encrypted,
    };
}

fn instance_storage_encrypted(ctx: &Context) -> Vec<Finding> {
    let check = &INSTANCE_STORAGE_ENCRYPTED;
    judge_each(
        check,
        ctx.snapshot,
        |r| &r.db_instances,
        |region, instance| {
            let resource = instance_resource(region, instance);
            if let Some(member) = cluster_member(check, &resource, instance) {
                return Some(member);
            }
            Some(if instance.storage.encrypted {
                Finding::new(check, resource, Outcome::Pass, "storage encrypted")
                    .with("kms_key_id", &instance.storage.kms_key_id)
            } else {
                Finding::new(check, resource, Outcome::Fail, "storage not encrypted")
            })
        },
    )
}

check! {
    /// Cluster storage is encrypted at rest.
    pub static CLUSTER_STORAGE_ENCRYPTED = Check {
        id: "rds.cluster.storage_encrypted",
        title: "DB cluster storage is encrypted at rest",
        rationale: "An Aurora or Multi-AZ cluster's volume holds every member's data; it is \
                    encrypted, or not, as a whole.",
        remediation: "Restore an encrypted copy of the cluster from a snapshot copied with a KMS \
                      key, and cut over.",
        severity: Severity::High,
        scope: Scope::DbCluster,
        evaluate: cluster_storage_encrypted,
    };
}

fn cluster_storage_encrypted(ctx: &Context) -> Vec<Finding> {
    let check = &CLUSTER_STORAGE_ENCRYPTED;
    judge_each(
        check,
        ctx.snapshot,
        |r| &r.db_clusters,
        |region, cluster| {
            let resource = cluster_resource(region, cluster);
            Some(if cluster.storage.encrypted {
                Finding::new(check, resource, Outcome::Pass, "storage encrypted")
                    .with("kms_key_id", &cluster.storage.kms_key_id)
            } else {
                Finding::new(check, resource, Outcome::Fail, "storage not encrypted")
            })
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;
    use rds_evidence_inventory::Observed;

    #[test]
    fn instance_pass_fail_not_applicable() {
        let mut plain = instance("plain");
        plain.storage.encrypted = false;
        let mut member = instance("member-1");
        member.cluster_identifier = Some("aurora".into());
        member.storage.encrypted = false;
        let findings = run(
            &INSTANCE_STORAGE_ENCRYPTED,
            &with_instances(vec![instance("good"), plain, member]),
        );
        assert_eq!(
            outcomes(&findings),
            [
                ("good".into(), Outcome::Pass),
                ("plain".into(), Outcome::Fail),
                ("member-1".into(), Outcome::NotApplicable)
            ]
        );
    }

    #[test]
    fn unknown_listing_is_insufficient_evidence() {
        let mut east = region("us-east-1");
        east.db_instances = Observed::Unknown(denied("rds:DescribeDBInstances"));
        let findings = run(&INSTANCE_STORAGE_ENCRYPTED, &snapshot(vec![east]));
        assert_eq!(
            outcomes(&findings),
            [("us-east-1".into(), Outcome::InsufficientEvidence)]
        );
        assert!(findings[0].detail.contains("rds:DescribeDBInstances"));
    }

    #[test]
    fn cluster_pass_and_fail() {
        let mut east = region("us-east-1");
        let mut plain = cluster("plain");
        plain.storage.encrypted = false;
        east.db_clusters = Observed::Value(vec![cluster("good"), plain]);
        let findings = run(&CLUSTER_STORAGE_ENCRYPTED, &snapshot(vec![east]));
        assert_eq!(
            outcomes(&findings),
            [
                ("good".into(), Outcome::Pass),
                ("plain".into(), Outcome::Fail)
            ]
        );
    }
}
