//! Case studies on the command line: `case-study init`, and the case-study files `collect` and
//! `evaluate` take. Each file is read and checked before any AWS call; its accounts become
//! collection targets (an account two case studies share is collected once); its accounts'
//! snapshots are combined into one and evaluated within its scope.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use clap::Args;
use rds_evidence_collector::{account_target, AccountTarget};
use rds_evidence_controls::{case_study_template, CaseStudy, DocumentPolicy};
use rds_evidence_inventory::Snapshot;

use crate::evaluate::{EvaluationInputs, LoadedInputs};

/// A case study read and checked, with what evaluating it needs.
pub struct LoadedCaseStudy {
    pub case: CaseStudy,
    /// The profile and the case study's attestations (its own file, else `--attestations`).
    pub inputs: LoadedInputs,
    pub targets: Vec<AccountTarget>,
}

/// Reads every case-study file; an error names the file, the line and the fix.
pub fn load(
    paths: &[PathBuf],
    profile: Option<&Path>,
    attestations: Option<&Path>,
    documents: &DocumentPolicy,
    role_name: Option<&str>,
) -> anyhow::Result<Vec<LoadedCaseStudy>> {
    let mut ids = BTreeSet::new();
    let mut loaded = Vec::new();
    for path in paths {
        let case = CaseStudy::load(path)?;
        if let Some(wafr) = &case.wafr {
            rds_evidence_collector::parse_workload_arn(&wafr.workload).map_err(|why| {
                anyhow::anyhow!("{}: [case_study.wafr] workload: {why}", path.display())
            })?;
        }
        if !ids.insert(case.id.clone()) {
            anyhow::bail!(
                "{}: case study id '{}' is used by another case-study file of this run: each \
                 names its own bundle",
                path.display(),
                case.id
            );
        }
        let targets = case
            .accounts
            .iter()
            .map(|account| {
                let labels = [("customer".to_owned(), case.customer.clone())].into();
                account_target(
                    account.id.clone(),
                    account.role_arn.clone(),
                    account.external_id.clone(),
                    account.regions.clone(),
                    labels,
                    role_name,
                )
                .map(|target| AccountTarget {
                    environment: account.environment,
                    ..target
                })
                .map_err(|message| {
                    anyhow::anyhow!("{}:{}: {message}", path.display(), account.line)
                })
            })
            .collect::<anyhow::Result<Vec<_>>>()?;
        let inputs = EvaluationInputs {
            profile: profile.map(Path::to_owned),
            attestations: case
                .attestations
                .clone()
                .or_else(|| attestations.map(Path::to_owned)),
            documents: documents.clone(),
        }
        .load()?;
        loaded.push(LoadedCaseStudy {
            case,
            inputs,
            targets,
        });
    }
    Ok(loaded)
}

/// The case study's accounts as one snapshot: the first account's, holding the others, in the
/// file's order. `snapshots` may hold more accounts than the case study names.
pub fn combine(case: &CaseStudy, snapshots: &[Snapshot]) -> anyhow::Result<Snapshot> {
    let mut accounts = Vec::new();
    for account in &case.accounts {
        let snapshot = snapshots
            .iter()
            .find(|s| s.account.id == account.id)
            .ok_or_else(|| {
                anyhow::anyhow!(
                    "{}:{}: no snapshot of account {} (give one --snapshot per account of the \
                     case study)",
                    case.file.display(),
                    account.line,
                    account.id
                )
            })?;
        accounts.push(Snapshot {
            other_accounts: Vec::new(),
            ..snapshot.clone()
        });
    }
    let mut accounts = accounts.into_iter();
    let mut combined = accounts
        .next()
        .expect("a case study names an account (checked)");
    combined.other_accounts = accounts.collect();
    // A review read by `collect` travels in the case study's snapshot.
    combined.well_architected = case.wafr.as_ref().and_then(|wafr| {
        snapshots
            .iter()
            .filter_map(|s| s.well_architected.as_ref())
            .find(|review| review.workload_arn == wafr.workload)
            .cloned()
    });
    Ok(combined)
}

/// A scope that selects nothing is a mistake in the file, unless a listing could not be read:
/// then the verdicts say what is unknown.
pub fn check_scope(case: &CaseStudy, snapshot: &Snapshot) -> anyhow::Result<()> {
    let accounts: Vec<&Snapshot> = std::iter::once(snapshot)
        .chain(&snapshot.other_accounts)
        .collect();
    let all_listed = accounts
        .iter()
        .flat_map(|s| &s.regions)
        .all(|region| region.db_instances.is_known() && region.db_clusters.is_known());
    let selected: usize = accounts
        .iter()
        .map(|s| rds_evidence_controls::narrow(s, &case.scope).in_scope.len())
        .sum();
    if selected == 0 && all_listed {
        let ids: Vec<&str> = accounts.iter().map(|s| s.account.id.as_str()).collect();
        anyhow::bail!(
            "{}: the scope ({}) selects no database in account(s) {}: check the tags and \
             identifiers of [case_study.scope]; nothing was written",
            case.file.display(),
            case.scope.describe(),
            ids.join(", ")
        );
    }
    Ok(())
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// Write the template here instead of standard output; an existing file is not replaced.
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
}

pub fn init(args: InitArgs) -> anyhow::Result<()> {
    crate::catalog::write_template(&case_study_template(), args.out.as_deref())
}
