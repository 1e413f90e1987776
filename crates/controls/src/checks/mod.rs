//! Every check, one small family per file. A check's metadata is its documentation:
//! `rds-evidence checks` prints it, and profiles refer to checks by id.

use crate::Check;

mod availability;
mod backup;
mod case_study;
mod changes;
mod cost;
mod encryption;
mod governance;
mod identity;
mod keys;
mod logs;
mod maintenance;
mod migration;
mod monitoring;
pub(crate) mod network;
mod operations;
mod passwords;
mod recovery;
mod segregation;
mod snapshots;
mod tls;
mod utilisation;

/// Every check, family by family, in the order `rds-evidence checks` lists them.
pub fn all() -> impl Iterator<Item = &'static Check> {
    [
        encryption::CHECKS,
        keys::CHECKS,
        tls::CHECKS,
        passwords::CHECKS,
        snapshots::CHECKS,
        network::CHECKS,
        segregation::CHECKS,
        availability::CHECKS,
        backup::CHECKS,
        recovery::CHECKS,
        monitoring::CHECKS,
        logs::CHECKS,
        utilisation::CHECKS,
        operations::CHECKS,
        changes::CHECKS,
        maintenance::CHECKS,
        migration::CHECKS,
        cost::CHECKS,
        governance::CHECKS,
        identity::CHECKS,
        case_study::CHECKS,
    ]
    .into_iter()
    .flatten()
    .copied()
}

pub fn find(id: &str) -> Option<&'static Check> {
    all().find(|check| check.id == id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_and_dotted() {
        let mut ids: Vec<&str> = all().map(|c| c.id).collect();
        ids.sort_unstable();
        let before = ids.len();
        ids.dedup();
        assert_eq!(before, ids.len(), "duplicate check id");
        for check in all() {
            assert!(
                check.id.split('.').count() >= 3,
                "{}: not service.resource.property",
                check.id
            );
            assert!(
                check.title.len() > 10
                    && check.rule_text().len() > 20
                    && check.rationale.len() > 20
                    && check.remediation.len() > 10
            );
        }
    }
}
