//! The one-screen summary `collect` prints.

use std::collections::BTreeMap;
use std::fmt::Write;

use rds_evidence_inventory::rds::{ExcludedResource, ResourceKind};
use rds_evidence_inventory::{Observed, Snapshot};

/// Lines of unknowns shown before the rest is only counted.
const GAPS_SHOWN: usize = 10;

pub fn render(snapshot: &Snapshot) -> String {
    let mut out = String::new();
    let account = &snapshot.account;
    let _ = writeln!(out, "Account   {} ({})", account.id, account.caller_arn);
    let _ = writeln!(out, "Collected {}", snapshot.collected_at);
    let foreign = snapshot.foreign_owners();
    if !foreign.is_empty() {
        let _ = writeln!(
            out,
            "WARNING   databases here belong to account(s) {}, not to {}, the account the \
             caller identity names: these responses do not come from one account",
            foreign.into_iter().collect::<Vec<_>>().join(", "),
            account.id
        );
    }
    for region in &snapshot.regions {
        let instances = region
            .db_instances
            .value()
            .map(Vec::as_slice)
            .unwrap_or_default();
        let mut engines: BTreeMap<&str, usize> = BTreeMap::new();
        for instance in instances {
            *engines.entry(instance.engine.as_str()).or_default() += 1;
        }
        let engines: Vec<String> = engines.iter().map(|(e, n)| format!("{e} {n}")).collect();
        let snapshots = region.db_snapshots.value().into_iter().flatten();
        let cluster_snapshots = region.db_cluster_snapshots.value().into_iter().flatten();
        let (mut manual, mut public) = (0, 0);
        for snapshot in snapshots.chain(cluster_snapshots).filter(|s| s.is_manual()) {
            manual += 1;
            if let Some(Observed::Value(accounts)) = &snapshot.shared_with {
                public += usize::from(accounts.iter().any(|a| a == "all"));
            }
        }
        let _ = writeln!(out, "\n{}", region.region);
        let _ = writeln!(
            out,
            "  DB instances {:>4}  {}",
            count(&region.db_instances),
            if engines.is_empty() {
                String::new()
            } else {
                format!("({})", engines.join(", "))
            }
        );
        let _ = writeln!(out, "  DB clusters  {:>4}", count(&region.db_clusters));
        let _ = writeln!(
            out,
            "  Manual snapshots {manual}, shared publicly {public}; KMS keys {}; parameter groups {}",
            region.kms_keys.len(),
            region.parameter_groups.len()
        );
        if !region.excluded.is_empty() {
            let _ = writeln!(out, "  Not RDS, left out: {}", excluded(&region.excluded));
        }
    }

    if !snapshot.disabled_regions.is_empty() {
        let _ = writeln!(
            out,
            "\nOpt-in regions not enabled, not collected: {}",
            snapshot.disabled_regions.join(", ")
        );
    }
    let failed = snapshot.failed_calls().count();
    let _ = writeln!(
        out,
        "\nAWS requests {} ({failed} failed)",
        snapshot.calls.len()
    );
    let gaps = snapshot.gaps();
    if gaps.is_empty() {
        let _ = writeln!(out, "Unknown: nothing, everything asked for was read");
    } else {
        let _ = writeln!(out, "Unknown: {} item(s) could not be read", gaps.len());
        for gap in gaps.iter().take(GAPS_SHOWN) {
            let _ = writeln!(out, "  {} {}: {}", gap.region, gap.subject, gap.why);
        }
        if gaps.len() > GAPS_SHOWN {
            let _ = writeln!(
                out,
                "  … and {} more in snapshot.json",
                gaps.len() - GAPS_SHOWN
            );
        }
    }
    out
}

/// Databases by name; their snapshots only counted.
fn excluded(resources: &[ExcludedResource]) -> String {
    let (databases, snapshots): (Vec<_>, Vec<_>) = resources
        .iter()
        .partition(|e| matches!(e.kind, ResourceKind::DbInstance | ResourceKind::DbCluster));
    let mut names: Vec<String> = databases
        .iter()
        .map(|e| format!("{} ({})", e.identifier, e.engine))
        .collect();
    if !snapshots.is_empty() {
        names.push(format!("{} snapshot(s) of them", snapshots.len()));
    }
    names.join(", ")
}

fn count<T>(list: &Observed<Vec<T>>) -> String {
    match list {
        Observed::Value(items) => items.len().to_string(),
        Observed::Unknown(_) => "?".to_owned(),
    }
}
