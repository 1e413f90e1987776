//! The report's content, built once from [`Contents`] and rendered by both the Markdown and
//! the HTML writer, so that the two can never disagree on what they say.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt::Write;

use rds_evidence_controls::{
    checks, in_scope, CheckStatus, CheckSummary, ControlAttestation, ControlSpec, ControlVerdict,
    EnvironmentScope, Environments, Finding, Level, Outcome, Resource, Scope, Values, Verdict,
};
use rds_evidence_inventory::kms::KmsKey;
use rds_evidence_inventory::rds::{DbCluster, DbInstance, DbSnapshot, ResourceKind};
use rds_evidence_inventory::{Observed, RegionSnapshot};

use super::provenance::Provenance;
use super::trend::{Trend, STACK};
use super::Context;
use crate::diagram::Diagram;
use crate::{Contents, CSV_FILE};

/// Failing, insufficient and observation findings listed per check; the rest are counted and
/// left to findings.csv, so that a large estate gives a report a person can still read.
pub const MAX_LISTED: usize = 100;
/// Passing resources named per check: the count is the evidence, names are examples.
pub const PASS_EXAMPLES: usize = 5;

pub struct Report<'a> {
    pub header: Header<'a>,
    pub verdicts: Vec<VerdictCount>,
    /// Verdicts over the account's runs, when the caller has its history.
    pub trend: Option<TrendView<'a>>,
    pub controls: Vec<ControlView<'a>>,
    pub trails: Listing<TrailRow<'a>>,
    pub regions: Vec<RegionView<'a>>,
    pub gaps: Vec<GapRow<'a>>,
    pub diagrams: Vec<DiagramView<'a>>,
    /// Where everything the report leaves out is listed.
    pub findings_file: &'static str,
}

pub struct Header<'a> {
    pub provenance: Provenance<'a>,
    pub account_id: &'a str,
    pub labels: Vec<(&'a str, &'a str)>,
    pub caller_arn: &'a str,
    pub collected_at: &'a str,
    pub tool_version: &'a str,
    pub profile_id: &'a str,
    pub profile_title: &'a str,
    pub regions: Vec<&'a str>,
    pub disabled_regions: Vec<&'a str>,
    /// What a case study's bundle is evidence for, and which databases it judged.
    pub case_study: Option<CaseStudyHeader<'a>>,
}

pub struct CaseStudyHeader<'a> {
    pub id: &'a str,
    pub customer: &'a str,
    pub engine: &'static str,
    pub rule: &'a str,
    /// `account: region, region` for every account of the case study.
    pub accounts: Vec<String>,
    /// `kind account:region/id` of each database judged, and of each left out.
    pub in_scope: Vec<String>,
    pub out_of_scope: Vec<String>,
    /// The Well-Architected review the case study names, if any.
    pub wafr: Option<WafrView>,
}

pub struct WafrView {
    pub workload: String,
    /// `Security: 0 high, 3 medium, 0 unanswered`, pillar by pillar.
    pub pillars: Vec<String>,
    /// Whether it exempts the common controls, and why.
    pub outcome: String,
}

/// A verdict as both renderers show it: words for readers, a class for the badge colour.
#[derive(Clone, Copy)]
pub struct Badge {
    pub label: &'static str,
    pub class: &'static str,
}

pub struct VerdictCount {
    pub badge: Badge,
    pub count: usize,
}

/// The "Verdicts over time" section: the chart, and its numbers as a table.
pub struct TrendView<'a> {
    /// The SVG element, generated here from numbers and escaped times only.
    pub svg: String,
    /// The table's verdict columns, in the chart's order.
    pub columns: Vec<Badge>,
    pub rows: Vec<TrendRow<'a>>,
}

pub struct TrendRow<'a> {
    pub collected_at: &'a str,
    pub counts: Vec<usize>,
}

pub struct ControlView<'a> {
    pub id: &'a str,
    pub anchor: String,
    pub title: &'a str,
    pub requirement: &'a str,
    pub verdict: Badge,
    pub narrative: &'a str,
    pub checks: Vec<CheckView<'a>>,
    pub attestation: AttestationView<'a>,
}

pub struct CheckView<'a> {
    pub id: &'a str,
    pub title: &'a str,
    pub severity: &'static str,
    pub status: Badge,
    /// Empty for a required check of every environment; else e.g. `recommended, not gating`.
    pub weight: String,
    /// e.g. `4 pass, 1 fail, 2 not applicable`.
    pub counts: String,
    pub remediation: &'a str,
    /// Failing and insufficient-evidence findings: what a validator must see.
    pub problems: Excerpt<'a>,
    pub observations: Excerpt<'a>,
    pub passed: usize,
    pub pass_examples: Vec<String>,
}

/// Up to [`MAX_LISTED`] findings, and how many more there are.
#[derive(Default)]
pub struct Excerpt<'a> {
    pub rows: Vec<FindingRow<'a>>,
    pub more: usize,
}

pub struct FindingRow<'a> {
    pub resource: String,
    pub outcome: Badge,
    pub detail: &'a str,
    /// `name = value` pairs from the finding's values, for observations.
    pub values: String,
}

pub enum AttestationView<'a> {
    /// The account alone can prove the control.
    NotRequired,
    /// The profile asks for a document the partner has not supplied.
    Missing { needed: &'a str },
    Supplied {
        needed: Option<&'a str>,
        statement: Option<&'a str>,
        documents: Vec<DocumentView<'a>>,
    },
}

pub struct DocumentView<'a> {
    pub reference: &'a str,
    /// Only web addresses become links; a local path means nothing to the reader's browser.
    pub is_url: bool,
    pub sha256: Option<&'a str>,
}

/// A listing that may not have been collected: rows, or why not.
pub struct Listing<T> {
    pub rows: Vec<T>,
    pub unknown: Option<String>,
}

pub struct TrailRow<'a> {
    pub name: &'a str,
    pub home_region: &'a str,
    pub multi_region: &'static str,
    pub logging: String,
    pub log_file_validation: &'static str,
    pub bucket: &'a str,
}

pub struct RegionView<'a> {
    pub region: &'a str,
    pub instances: Listing<InstanceRow<'a>>,
    pub clusters: Listing<ClusterRow<'a>>,
    pub snapshots: Vec<SnapshotCount>,
    pub keys: Vec<KeyRow<'a>>,
    pub vpcs: Listing<VpcRow<'a>>,
    /// DocumentDB and Neptune resources left out on purpose.
    pub excluded: Vec<String>,
}

impl RegionView<'_> {
    pub fn is_empty(&self) -> bool {
        self.instances.rows.is_empty()
            && self.instances.unknown.is_none()
            && self.clusters.rows.is_empty()
            && self.clusters.unknown.is_none()
    }
}

pub struct InstanceRow<'a> {
    pub id: &'a str,
    pub engine: String,
    pub class: &'a str,
    pub status: &'a str,
    pub multi_az: &'static str,
    pub encrypted: &'static str,
    pub public: &'static str,
    pub role: String,
}

pub struct ClusterRow<'a> {
    pub id: &'a str,
    pub engine: String,
    pub writer: String,
    pub readers: String,
    pub multi_az: &'static str,
    pub encrypted: &'static str,
}

pub struct SnapshotCount {
    pub kind: &'static str,
    /// `12 (3 manual, 9 automated; 11 encrypted)`, or why it is unknown.
    pub summary: String,
}

pub struct KeyRow<'a> {
    pub arn: &'a str,
    pub aliases: String,
    pub manager: String,
    pub state: String,
    pub rotation: String,
}

pub struct VpcRow<'a> {
    pub id: &'a str,
    pub name: &'a str,
    pub cidr: &'a str,
    pub default: &'static str,
    pub subnets: String,
}

pub struct GapRow<'a> {
    pub region: &'a str,
    pub subject: String,
    pub action: &'a str,
    pub kind: &'static str,
    pub message: &'a str,
}

pub struct DiagramView<'a> {
    /// The files' name.
    pub name: &'a str,
    /// The regions it draws, as a heading.
    pub regions: String,
    /// The SVG element alone: an XML declaration or doctype has no place inside HTML.
    pub svg: &'a str,
}

impl<'a> Report<'a> {
    pub fn build(
        contents: Contents<'a>,
        diagrams: &'a [Diagram],
        context: Context<'a>,
    ) -> Report<'a> {
        let snapshot = contents.snapshot;
        let by_check = index_by_check(&contents.evaluation.findings);
        let specs: HashMap<&str, &ControlSpec> = contents
            .profile
            .controls
            .iter()
            .map(|spec| (spec.id.as_str(), spec))
            .collect();
        let mut anchors = BTreeSet::new();
        let controls = contents
            .evaluation
            .controls
            .iter()
            .map(|verdict| {
                let spec = specs.get(verdict.control.as_str()).copied();
                let environments = &contents.evaluation.environments;
                control_view(verdict, spec, &by_check, environments, &mut anchors)
            })
            .collect::<Vec<_>>();
        let verdicts = VERDICTS
            .iter()
            .map(|&verdict| {
                (
                    verdict,
                    controls_with(&contents.evaluation.controls, verdict),
                )
            })
            // Only a case study's Well-Architected review exempts: the row is noise elsewhere.
            .filter(|&(verdict, count)| verdict != Verdict::ExemptWafr || count > 0)
            .map(|(verdict, count)| VerdictCount {
                badge: verdict_badge(verdict),
                count,
            })
            .collect();
        Report {
            header: Header {
                provenance: Provenance::of(contents, context.inputs),
                account_id: &snapshot.account.id,
                labels: snapshot
                    .account
                    .labels
                    .iter()
                    .map(|(k, v)| (k.as_str(), v.as_str()))
                    .collect(),
                caller_arn: &snapshot.account.caller_arn,
                collected_at: &snapshot.collected_at,
                tool_version: &snapshot.tool_version,
                profile_id: &contents.profile.id,
                profile_title: &contents.profile.title,
                regions: snapshot.regions.iter().map(|r| r.region.as_str()).collect(),
                disabled_regions: snapshot
                    .disabled_regions
                    .iter()
                    .map(String::as_str)
                    .collect(),
                case_study: contents.evaluation.case_study.as_ref().map(|scope| {
                    let listed = |resources: &[Resource]| -> Vec<String> {
                        resources.iter().map(scoped_name).collect()
                    };
                    CaseStudyHeader {
                        id: &scope.id,
                        customer: &scope.customer,
                        engine: scope.engine.title(),
                        rule: &scope.rule,
                        accounts: std::iter::once(snapshot)
                            .chain(&snapshot.other_accounts)
                            .map(|s| {
                                let regions: Vec<&str> =
                                    s.regions.iter().map(|r| r.region.as_str()).collect();
                                format!("{}: {}", s.account.id, regions.join(", "))
                            })
                            .collect(),
                        in_scope: listed(&scope.in_scope),
                        out_of_scope: listed(&scope.out_of_scope),
                        wafr: snapshot.well_architected.as_ref().map(wafr_view),
                    }
                }),
            },
            verdicts,
            trend: context.trend.filter(|t| !t.runs.is_empty()).map(trend_view),
            controls,
            trails: listing(&snapshot.account_wide.trails, |trails| {
                trails
                    .iter()
                    .map(|trail| TrailRow {
                        name: &trail.name,
                        home_region: trail.home_region.as_deref().unwrap_or("—"),
                        multi_region: yes_no(trail.multi_region),
                        logging: observed_text(&trail.logging, |on| yes_no(*on).to_owned()),
                        log_file_validation: yes_no(trail.log_file_validation),
                        bucket: trail.s3_bucket.as_deref().unwrap_or("—"),
                    })
                    .collect()
            }),
            regions: snapshot.regions.iter().map(region_view).collect(),
            gaps: snapshot
                .gaps()
                .into_iter()
                .map(|gap| GapRow {
                    region: gap.region,
                    subject: gap.subject,
                    action: &gap.why.action,
                    kind: gap.why.kind.as_str(),
                    message: &gap.why.message,
                })
                .collect(),
            diagrams: diagrams
                .iter()
                .map(|diagram| DiagramView {
                    name: &diagram.name,
                    regions: match diagram.regions.as_slice() {
                        [one] => format!("Region {one}"),
                        many => format!("Regions {}", many.join(" + ")),
                    },
                    svg: svg_element(&diagram.svg),
                })
                .collect(),
            findings_file: CSV_FILE,
        }
    }
}

fn trend_view(trend: &Trend) -> TrendView<'_> {
    TrendView {
        svg: trend.svg(),
        columns: STACK
            .iter()
            .map(|&verdict| verdict_badge(verdict))
            .collect(),
        rows: trend
            .runs
            .iter()
            .map(|run| TrendRow {
                collected_at: &run.collected_at,
                counts: STACK.iter().map(|&verdict| run.count(verdict)).collect(),
            })
            .collect(),
    }
}

/// Every verdict, in the order the summary lists them: best first.
const VERDICTS: [Verdict; 6] = [
    Verdict::Met,
    Verdict::ExemptWafr,
    Verdict::PartiallyMet,
    Verdict::NotMet,
    Verdict::NeedsAttestation,
    Verdict::InsufficientEvidence,
];

fn controls_with(controls: &[ControlVerdict], verdict: Verdict) -> usize {
    controls.iter().filter(|c| c.verdict == verdict).count()
}

/// Findings are sorted by check already; indexing them once keeps rendering linear however
/// many controls share a check.
fn index_by_check(findings: &[Finding]) -> HashMap<&str, Vec<&Finding>> {
    let mut index: HashMap<&str, Vec<&Finding>> = HashMap::new();
    for finding in findings {
        index
            .entry(finding.check.as_str())
            .or_default()
            .push(finding);
    }
    index
}

fn control_view<'a>(
    verdict: &'a ControlVerdict,
    spec: Option<&'a ControlSpec>,
    by_check: &HashMap<&str, Vec<&'a Finding>>,
    environments: &Environments,
    anchors: &mut BTreeSet<String>,
) -> ControlView<'a> {
    let needed = spec.and_then(|s| s.attestation.as_deref());
    let attestation = match (&verdict.attestation, needed) {
        (Some(given), needed) => supplied(given, needed),
        (None, Some(needed)) => AttestationView::Missing { needed },
        (None, None) => AttestationView::NotRequired,
    };
    ControlView {
        id: &verdict.control,
        anchor: unique_anchor(&verdict.control, anchors),
        title: &verdict.title,
        requirement: spec.map_or("", |s| s.requirement.as_str()),
        verdict: verdict_badge(verdict.verdict),
        narrative: &verdict.narrative,
        checks: verdict
            .checks
            .iter()
            .map(|summary| {
                // What the control weighed: a production-only scope leaves the rest out.
                let findings: Vec<&Finding> = by_check
                    .get(summary.check.as_str())
                    .map_or(&[][..], Vec::as_slice)
                    .iter()
                    .copied()
                    .filter(|f| in_scope(summary.environments, &f.resource, environments))
                    .collect();
                check_view(summary, &findings)
            })
            .collect(),
        attestation,
    }
}

fn supplied<'a>(given: &'a ControlAttestation, needed: Option<&'a str>) -> AttestationView<'a> {
    AttestationView::Supplied {
        needed,
        statement: given.statement.as_deref(),
        documents: given
            .documents
            .iter()
            .map(|doc| DocumentView {
                reference: &doc.reference,
                is_url: doc.reference.starts_with("https://")
                    || doc.reference.starts_with("http://"),
                sha256: doc.sha256.as_deref(),
            })
            .collect(),
    }
}

/// `control-<id>` with anything but letters, digits, `-`, `_` and `.` replaced, made unique.
fn unique_anchor(id: &str, taken: &mut BTreeSet<String>) -> String {
    let base: String = "control-"
        .chars()
        .chain(id.chars().map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '-'
            }
        }))
        .collect();
    let mut anchor = base.clone();
    let mut n = 2;
    while !taken.insert(anchor.clone()) {
        anchor = format!("{base}-{n}");
        n += 1;
    }
    anchor
}

fn check_view<'a>(summary: &'a CheckSummary, findings: &[&'a Finding]) -> CheckView<'a> {
    let meta = checks::find(&summary.check);
    let mut problems = Excerpt::default();
    let mut observations = Excerpt::default();
    let mut passed = 0;
    let mut pass_examples = Vec::new();
    for finding in findings {
        match finding.outcome {
            Outcome::Fail | Outcome::InsufficientEvidence => problems.push(finding),
            Outcome::Observation => observations.push(finding),
            Outcome::Pass => {
                passed += 1;
                if pass_examples.len() < PASS_EXAMPLES {
                    pass_examples.push(resource_name(finding));
                }
            }
            Outcome::NotApplicable => {}
        }
    }
    CheckView {
        id: &summary.check,
        title: meta.map_or(summary.check.as_str(), |check| check.title),
        severity: meta.map_or("", |check| severity_label(check.severity)),
        status: status_badge(summary.status),
        weight: weight_text(summary),
        counts: counts_text(summary),
        remediation: meta.map_or("", |check| check.remediation),
        problems,
        observations,
        passed,
        pass_examples,
    }
}

impl<'a> Excerpt<'a> {
    fn push(&mut self, finding: &'a Finding) {
        if self.rows.len() == MAX_LISTED {
            self.more += 1;
            return;
        }
        self.rows.push(FindingRow {
            resource: resource_name(finding),
            outcome: outcome_badge(finding.outcome),
            detail: &finding.detail,
            values: values_text(&finding.values),
        });
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }
}

fn wafr_view(review: &rds_evidence_inventory::well_architected::WellArchitected) -> WafrView {
    let pillars = match &review.pillars {
        Observed::Value(pillars) => pillars
            .iter()
            .map(|p| {
                let name = p.pillar_name.as_deref().unwrap_or(&p.pillar_id);
                match p.counts {
                    Some(c) => format!(
                        "{name}: {} high, {} medium, {} unanswered",
                        c.high, c.medium, c.unanswered
                    ),
                    None => format!("{name}: no risk counts"),
                }
            })
            .collect(),
        Observed::Unknown(why) => vec![format!("lens review unknown: {why}")],
    };
    let outcome = match rds_evidence_controls::wafr_exemption(review) {
        Ok(why) => format!("exempts the common controls: {why}"),
        Err(why) => format!("no exemption: {why}"),
    };
    WafrView {
        workload: review.workload_arn.clone(),
        pillars,
        outcome,
    }
}

/// `instance account:region/id` (the account only when the case study spans several).
fn scoped_name(resource: &Resource) -> String {
    let kind = scope_label(resource.kind);
    if resource.account.is_empty() {
        format!("{kind} {}/{}", resource.region, resource.id)
    } else {
        format!(
            "{kind} {}:{}/{}",
            resource.account, resource.region, resource.id
        )
    }
}

/// `region/id`, or the id alone for what belongs to the account.
fn resource_name(finding: &Finding) -> String {
    let resource = &finding.resource;
    let kind = scope_label(resource.kind);
    if resource.region.is_empty() {
        format!("{kind} {}", resource.id)
    } else {
        format!("{kind} {}/{}", resource.region, resource.id)
    }
}

fn values_text(values: &Values) -> String {
    let mut text = String::new();
    for (name, value) in values.iter() {
        if !text.is_empty() {
            text.push_str("; ");
        }
        match value {
            serde_json::Value::String(s) => {
                let _ = write!(text, "{name} = {s}");
            }
            other => {
                let _ = write!(text, "{name} = {other}");
            }
        }
    }
    text
}

/// How the check counts for the control, when not simply required of every database:
/// `recommended, not gating; production only: 2 non-production left out`.
fn weight_text(summary: &CheckSummary) -> String {
    let mut parts = Vec::new();
    if summary.level == Level::Recommended {
        parts.push("recommended, not gating".to_owned());
    }
    if summary.environments == EnvironmentScope::Production {
        parts.push(match summary.out_of_scope {
            0 => "production only".to_owned(),
            n => format!("production only: {n} non-production left out"),
        });
    }
    parts.join("; ")
}

fn counts_text(summary: &CheckSummary) -> String {
    if summary.counts.is_empty() {
        return "no resources to judge".to_owned();
    }
    let mut text = String::new();
    for (outcome, count) in &summary.counts {
        if !text.is_empty() {
            text.push_str(", ");
        }
        let _ = write!(text, "{count} {}", outcome_badge(*outcome).label);
    }
    text
}

pub fn verdict_badge(verdict: Verdict) -> Badge {
    let (label, class) = match verdict {
        Verdict::Met => ("Met", "met"),
        Verdict::PartiallyMet => ("Partially met", "partial"),
        Verdict::NotMet => ("Not met", "not-met"),
        Verdict::NeedsAttestation => ("Needs attestation", "attest"),
        Verdict::InsufficientEvidence => ("Insufficient evidence", "insufficient"),
        Verdict::ExemptWafr => ("Exempt (WAFR)", "exempt"),
    };
    Badge { label, class }
}

fn status_badge(status: CheckStatus) -> Badge {
    let (label, class) = match status {
        CheckStatus::Passed => ("passed", "met"),
        CheckStatus::Failed => ("failed", "not-met"),
        CheckStatus::Insufficient => ("insufficient evidence", "insufficient"),
        CheckStatus::Observed => ("observed", "met"),
        CheckStatus::Neutral => ("nothing to judge", "neutral"),
    };
    Badge { label, class }
}

fn outcome_badge(outcome: Outcome) -> Badge {
    let (label, class) = match outcome {
        Outcome::Pass => ("pass", "met"),
        Outcome::Fail => ("fail", "not-met"),
        Outcome::NotApplicable => ("not applicable", "neutral"),
        Outcome::InsufficientEvidence => ("insufficient evidence", "insufficient"),
        Outcome::Observation => ("observation", "neutral"),
    };
    Badge { label, class }
}

fn severity_label(severity: rds_evidence_controls::Severity) -> &'static str {
    use rds_evidence_controls::Severity;
    match severity {
        Severity::Info => "info",
        Severity::Low => "low",
        Severity::Medium => "medium",
        Severity::High => "high",
        Severity::Critical => "critical",
    }
}

fn scope_label(scope: Scope) -> &'static str {
    match scope {
        Scope::Account => "account",
        Scope::Region => "region",
        Scope::DbInstance => "instance",
        Scope::DbCluster => "cluster",
        Scope::DbSnapshot => "snapshot",
        Scope::KmsKey => "key",
        Scope::Vpc => "vpc",
        Scope::SecurityGroup => "security group",
        Scope::ParameterGroup => "parameter group",
        Scope::Trail => "trail",
        Scope::S3Bucket => "bucket",
        Scope::IamPolicy => "policy",
        Scope::IamUser => "user",
        Scope::Secret => "secret",
        Scope::LogGroup => "log group",
        Scope::MigrationTask => "migration task",
    }
}

fn yes_no(flag: bool) -> &'static str {
    if flag {
        "yes"
    } else {
        "no"
    }
}

/// The value as text, or `unknown (<action>: <message>)`.
fn observed_text<T>(observed: &Observed<T>, show: impl FnOnce(&T) -> String) -> String {
    match observed {
        Observed::Value(value) => show(value),
        Observed::Unknown(why) => unknown_text(why),
    }
}

fn unknown_text(why: &rds_evidence_inventory::Unavailable) -> String {
    format!("unknown ({}: {})", why.action, why.message)
}

fn listing<'a, T, R>(
    observed: &'a Observed<Vec<T>>,
    rows: impl FnOnce(&'a [T]) -> Vec<R>,
) -> Listing<R> {
    match observed {
        Observed::Value(items) => Listing {
            rows: rows(items),
            unknown: None,
        },
        Observed::Unknown(why) => Listing {
            rows: Vec::new(),
            unknown: Some(unknown_text(why)),
        },
    }
}

fn region_view(region: &RegionSnapshot) -> RegionView<'_> {
    let vpc_subnets: HashMap<&str, usize> =
        region.network.subnets.value().into_iter().flatten().fold(
            HashMap::new(),
            |mut counts, subnet| {
                *counts.entry(subnet.vpc_id.as_str()).or_default() += 1;
                counts
            },
        );
    RegionView {
        region: &region.region,
        instances: listing(&region.db_instances, |instances| {
            instances.iter().map(instance_row).collect()
        }),
        clusters: listing(&region.db_clusters, |clusters| {
            clusters.iter().map(cluster_row).collect()
        }),
        snapshots: vec![
            SnapshotCount {
                kind: "DB snapshots",
                summary: observed_text(&region.db_snapshots, |s| snapshot_summary(s)),
            },
            SnapshotCount {
                kind: "Cluster snapshots",
                summary: observed_text(&region.db_cluster_snapshots, |s| snapshot_summary(s)),
            },
        ],
        keys: region.kms_keys.iter().map(key_row).collect(),
        vpcs: listing(&region.network.vpcs, |vpcs| {
            vpcs.iter()
                .map(|vpc| VpcRow {
                    id: &vpc.id,
                    name: vpc.tags.get("Name").map_or("", String::as_str),
                    cidr: vpc.cidr_block.as_deref().unwrap_or("—"),
                    default: yes_no(vpc.is_default),
                    subnets: match region.network.subnets.unavailable() {
                        Some(why) => unknown_text(why),
                        None => vpc_subnets
                            .get(vpc.id.as_str())
                            .copied()
                            .unwrap_or(0)
                            .to_string(),
                    },
                })
                .collect()
        }),
        excluded: region
            .excluded
            .iter()
            .map(|resource| {
                let kind = match resource.kind {
                    ResourceKind::DbInstance => "instance",
                    ResourceKind::DbCluster => "cluster",
                    ResourceKind::DbSnapshot => "snapshot",
                    ResourceKind::DbClusterSnapshot => "cluster snapshot",
                };
                format!("{kind} {} ({})", resource.identifier, resource.engine)
            })
            .collect(),
    }
}

fn instance_row(instance: &DbInstance) -> InstanceRow<'_> {
    let role = match (&instance.cluster_identifier, &instance.replica_source) {
        (Some(cluster), _) => format!("member of cluster {cluster}"),
        (None, Some(source)) => format!("read replica of {source}"),
        (None, None) if !instance.read_replicas.is_empty() => {
            format!("source of {} replica(s)", instance.read_replicas.len())
        }
        (None, None) => "standalone".to_owned(),
    };
    InstanceRow {
        id: &instance.identifier,
        engine: format!("{} {}", instance.engine, instance.engine_version),
        class: &instance.instance_class,
        status: instance.status.as_deref().unwrap_or("—"),
        // An Aurora member's own flag is always false: availability is the cluster's.
        multi_az: if instance.cluster_identifier.is_some() {
            "see cluster"
        } else {
            yes_no(instance.multi_az)
        },
        encrypted: yes_no(instance.storage.encrypted),
        public: match instance.publicly_accessible {
            Some(flag) => yes_no(flag),
            None => "not reported",
        },
        role,
    }
}

fn cluster_row(cluster: &DbCluster) -> ClusterRow<'_> {
    let writer: Vec<&str> = cluster
        .members
        .iter()
        .filter(|m| m.is_writer)
        .map(|m| m.instance_identifier.as_str())
        .collect();
    let readers: Vec<&str> = cluster
        .members
        .iter()
        .filter(|m| !m.is_writer)
        .map(|m| m.instance_identifier.as_str())
        .collect();
    let mut engine = format!("{} {}", cluster.engine, cluster.engine_version);
    if let Some(mode) = &cluster.engine_mode {
        let _ = write!(engine, " ({mode})");
    }
    ClusterRow {
        id: &cluster.identifier,
        engine,
        writer: if writer.is_empty() {
            "—".to_owned()
        } else {
            writer.join(", ")
        },
        readers: if readers.is_empty() {
            "—".to_owned()
        } else {
            readers.join(", ")
        },
        multi_az: yes_no(cluster.multi_az),
        encrypted: yes_no(cluster.storage.encrypted),
    }
}

fn snapshot_summary(snapshots: &[DbSnapshot]) -> String {
    let mut by_type: BTreeMap<&str, usize> = BTreeMap::new();
    for snapshot in snapshots {
        *by_type
            .entry(snapshot.snapshot_type.as_deref().unwrap_or("unknown type"))
            .or_default() += 1;
    }
    let encrypted = snapshots.iter().filter(|s| s.encrypted).count();
    let mut text = snapshots.len().to_string();
    if !snapshots.is_empty() {
        let types: Vec<String> = by_type
            .iter()
            .map(|(kind, count)| format!("{count} {kind}"))
            .collect();
        let _ = write!(text, " ({}; {encrypted} encrypted)", types.join(", "));
    }
    text
}

fn key_row(key: &KmsKey) -> KeyRow<'_> {
    KeyRow {
        arn: &key.arn,
        aliases: observed_text(&key.aliases, |aliases| {
            if aliases.is_empty() {
                "—".to_owned()
            } else {
                aliases.join(", ")
            }
        }),
        manager: observed_text(&key.metadata, |m| {
            m.key_manager.clone().unwrap_or_else(|| "—".to_owned())
        }),
        state: observed_text(&key.metadata, |m| {
            m.key_state.clone().unwrap_or_else(|| "—".to_owned())
        }),
        rotation: observed_text(&key.rotation_enabled, |on| yes_no(*on).to_owned()),
    }
}

/// The `<svg …>…</svg>` part of a document that may start with an XML declaration, a doctype
/// or comments.
fn svg_element(svg: &str) -> &str {
    match svg.find("<svg") {
        Some(start) => &svg[start..],
        None => svg,
    }
}
