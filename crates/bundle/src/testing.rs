//! The demo account's snapshot (`fixtures/emulator-demo-snapshot.json`, the replay of `fixtures/demo`)
//! evaluated against the built-in profile: realistic input for renderer tests.

use rds_evidence_controls::{
    evaluate, Attestations, AttestedDocument, ControlAttestation, Evaluation, Profile, Targets,
};
use rds_evidence_inventory::Snapshot;

use crate::Contents;

pub struct Demo {
    pub snapshot: Snapshot,
    pub evaluation: Evaluation,
    pub profile: Profile,
    pub attestations: Attestations,
}

impl Demo {
    pub fn load() -> Demo {
        let snapshot: Snapshot = serde_json::from_str(include_str!(
            "../../../fixtures/emulator-demo-snapshot.json"
        ))
        .expect("fixtures/emulator-demo-snapshot.json is a valid snapshot");
        let profile = Profile::builtin();
        let attestations = attestations();
        let evaluation = evaluate(&snapshot, &profile, &attestations);
        Demo {
            snapshot,
            evaluation,
            profile,
            attestations,
        }
    }

    pub fn contents(&self) -> Contents<'_> {
        Contents {
            snapshot: &self.snapshot,
            evaluation: &self.evaluation,
            profile: &self.profile,
            attestations: &self.attestations,
        }
    }
}

/// The partner's documents for two controls, and declared recovery objectives.
fn attestations() -> Attestations {
    let runbook = ControlAttestation {
        statement: Some("Failover and restore are rehearsed quarterly.".to_owned()),
        documents: vec![
            AttestedDocument {
                reference: "docs/dr-runbook.pdf".to_owned(),
                sha256: Some(
                    "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08".to_owned(),
                ),
                local_path: None,
            },
            AttestedDocument {
                reference: "https://wiki.example.com/rds/backup-policy".to_owned(),
                sha256: None,
                local_path: None,
            },
        ],
        use_case: None,
    };
    Attestations {
        targets: Targets {
            rpo_minutes: Some(15),
            rto_minutes: Some(60),
        },
        controls: [("RDS-009".to_owned(), runbook)].into(),
        environments: Vec::new(),
    }
}
