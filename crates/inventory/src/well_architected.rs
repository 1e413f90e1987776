//! A Well-Architected Framework review (WAFR) a case study names: "If you have completed an
//! AWS Well-Architected Framework Review for the customer example which shows zero outstanding
//! high-risk issues in the Security, Operational Excellence, and Reliability pillars, you are
//! not required to provide evidence for the following requirements" (the common controls).

use serde::{Deserialize, Serialize};

use crate::Observed;

/// The workload's review on the `wellarchitected` lens, read where the workload lives.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WellArchitected {
    pub workload_arn: String,
    pub workload: Observed<Workload>,
    /// The lens review's risk counts, pillar by pillar.
    pub pillars: Observed<Vec<PillarRisks>>,
    pub milestones: Observed<Vec<Milestone>>,
    /// The exported lens review report (a PDF), base64 as the API returns it.
    pub report: Observed<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Workload {
    pub name: Option<String>,
    pub review_owner: Option<String>,
    pub updated_at: Option<String>,
}

/// One pillar's questions by risk. `None` when the API gave no counts for the pillar.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PillarRisks {
    /// `security`, `operationalExcellence`, `reliability`, `performance`, `costOptimization`,
    /// `sustainability`.
    pub pillar_id: String,
    pub pillar_name: Option<String>,
    pub counts: Option<RiskCounts>,
}

/// Questions per risk level; a level the API leaves out has none.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RiskCounts {
    pub high: i32,
    pub medium: i32,
    pub none: i32,
    pub unanswered: i32,
    pub not_applicable: i32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Milestone {
    pub number: Option<i32>,
    pub name: Option<String>,
    pub recorded_at: Option<String>,
}
