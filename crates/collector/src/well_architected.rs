//! The Well-Architected review a case study names: the workload, the `wellarchitected` lens
//! review's risk counts per pillar, its milestones and the exported report. Read in the
//! workload's own region and account (often the partner's), with the identity the case-study
//! file gives for it.

use aws_config::Region;
use aws_sdk_wellarchitected::types::Risk;
use aws_sdk_wellarchitected::Client;
use rds_evidence_inventory::well_architected::{
    Milestone, PillarRisks, RiskCounts, WellArchitected, Workload,
};
use rds_evidence_inventory::{ApiCall, Observed};

use crate::call_log::CallLog;
use crate::convert::time;
use crate::error::CollectError;
use crate::failure::unavailable;
use crate::session::{self, Access};
use crate::traffic::{MissingResponse, Traffic};

/// The lens the review exemption is about.
const LENS: &str = "wellarchitected";

/// `arn:aws:wellarchitected:REGION:ACCOUNT:workload/ID` → `(region, id)`.
pub fn parse_workload_arn(arn: &str) -> Result<(&str, &str), String> {
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    match parts.as_slice() {
        ["arn", partition, "wellarchitected", region, account, resource]
            if partition.starts_with("aws")
                && !region.is_empty()
                && account.len() == 12
                && account.bytes().all(|b| b.is_ascii_digit()) =>
        {
            match resource.strip_prefix("workload/") {
                Some(id) if !id.is_empty() && !id.contains('/') => Ok((region, id)),
                _ => Err(format!("'{arn}' does not name a workload (…:workload/ID)")),
            }
        }
        _ => Err(format!(
            "'{arn}' is not a Well-Architected workload ARN \
             (arn:aws:wellarchitected:REGION:ACCOUNT:workload/ID)"
        )),
    }
}

/// Reads the review of `workload_arn` with `access`. Fails only when nothing can be read (no
/// credentials); each unreadable part is unknown in the result.
pub async fn well_architected(
    access: &Access,
    workload_arn: &str,
) -> Result<(WellArchitected, Vec<ApiCall>), CollectError> {
    let (region, id) = parse_workload_arn(workload_arn).map_err(CollectError::WorkloadArn)?;
    let connection = session::connect(access, Some(region)).await?;
    let log = CallLog::new();
    let client = Client::from_conf(
        aws_sdk_wellarchitected::config::Builder::from(&connection.config)
            .region(Region::new(region.to_owned()))
            .interceptor(log.interceptor(region))
            .build(),
    );
    let (workload, pillars, milestones, report) = tokio::join!(
        workload(&client, id),
        pillars(&client, id),
        milestones(&client, id),
        report(&client, id)
    );
    if let (Some(replayer), Traffic::Replay { missing, .. }) =
        (&connection.replayer, &access.traffic)
    {
        let unanswered = replayer.missing();
        if *missing == MissingResponse::Fail && !unanswered.is_empty() {
            return Err(CollectError::ReplayMissing {
                count: unanswered.len(),
                first: unanswered[0].clone(),
            });
        }
    }
    let review = WellArchitected {
        workload_arn: workload_arn.to_owned(),
        workload,
        pillars,
        milestones,
        report,
    };
    Ok((review, log.calls()))
}

async fn workload(client: &Client, id: &str) -> Observed<Workload> {
    match client.get_workload().workload_id(id).send().await {
        Ok(out) => Observed::Value(
            out.workload()
                .map(|w| Workload {
                    name: w.workload_name().map(str::to_owned),
                    review_owner: w.review_owner().map(str::to_owned),
                    updated_at: time(w.updated_at()),
                })
                .unwrap_or(Workload {
                    name: None,
                    review_owner: None,
                    updated_at: None,
                }),
        ),
        Err(e) => Observed::Unknown(unavailable("wellarchitected:GetWorkload", &e)),
    }
}

async fn pillars(client: &Client, id: &str) -> Observed<Vec<PillarRisks>> {
    let out = match client
        .get_lens_review()
        .workload_id(id)
        .lens_alias(LENS)
        .send()
        .await
    {
        Ok(out) => out,
        Err(e) => return Observed::Unknown(unavailable("wellarchitected:GetLensReview", &e)),
    };
    let summaries = out
        .lens_review()
        .map(|review| review.pillar_review_summaries())
        .unwrap_or_default();
    Observed::Value(
        summaries
            .iter()
            .map(|pillar| PillarRisks {
                pillar_id: pillar.pillar_id().unwrap_or_default().to_owned(),
                pillar_name: pillar.pillar_name().map(str::to_owned),
                counts: pillar.risk_counts().map(|counts| {
                    let of = |risk: Risk| counts.get(&risk).copied().unwrap_or(0);
                    RiskCounts {
                        high: of(Risk::High),
                        medium: of(Risk::Medium),
                        none: of(Risk::None),
                        unanswered: of(Risk::Unanswered),
                        not_applicable: of(Risk::NotApplicable),
                    }
                }),
            })
            .collect(),
    )
}

async fn milestones(client: &Client, id: &str) -> Observed<Vec<Milestone>> {
    let mut pages = client
        .list_milestones()
        .workload_id(id)
        .into_paginator()
        .send();
    let mut milestones = Vec::new();
    while let Some(page) = pages.next().await {
        match page {
            Ok(page) => milestones.extend(page.milestone_summaries().iter().map(|m| Milestone {
                number: m.milestone_number(),
                name: m.milestone_name().map(str::to_owned),
                recorded_at: time(m.recorded_at()),
            })),
            Err(e) => return Observed::Unknown(unavailable("wellarchitected:ListMilestones", &e)),
        }
    }
    Observed::Value(milestones)
}

async fn report(client: &Client, id: &str) -> Observed<String> {
    match client
        .get_lens_review_report()
        .workload_id(id)
        .lens_alias(LENS)
        .send()
        .await
    {
        Ok(out) => match out.lens_review_report().and_then(|r| r.base64_string()) {
            Some(report) if aws_smithy_types::base64::decode(report).is_ok() => {
                Observed::Value(report.to_owned())
            }
            Some(_) => no_report("the report is not base64"),
            None => no_report("the response holds no report"),
        },
        Err(e) => Observed::Unknown(unavailable("wellarchitected:GetLensReviewReport", &e)),
    }
}

fn no_report(message: &str) -> Observed<String> {
    Observed::Unknown(rds_evidence_inventory::Unavailable {
        action: "wellarchitected:GetLensReviewReport".to_owned(),
        kind: rds_evidence_inventory::FailureKind::Other,
        message: message.to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn workload_arns_give_region_and_id() {
        assert_eq!(
            parse_workload_arn(
                "arn:aws:wellarchitected:eu-west-1:999988887777:workload/0123456789abcdef"
            ),
            Ok(("eu-west-1", "0123456789abcdef"))
        );
        for bad in [
            "arn:aws:wellarchitected:eu-west-1:999988887777:lens/custom",
            "arn:aws:rds:eu-west-1:999988887777:workload/x",
            "workload/x",
        ] {
            assert!(parse_workload_arn(bad).is_err(), "{bad}");
        }
    }
}
