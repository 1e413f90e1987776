//! Real bundles for tests: the demo account's snapshot (`fixtures/emulator-demo-snapshot.json`),
//! changed as a test needs, evaluated, written with the bundle writer into a store.

use std::path::{Path, PathBuf};

use rds_evidence_bundle::manifest::{collection_source, Inputs};
use rds_evidence_bundle::{write_bundle_to, BundleOptions, Contents, Destination, Input};
use rds_evidence_controls::{
    evaluate, Attestations, CaseStudyScope, ControlVerdict, Engine, Evaluation, Profile, Selection,
    Verdict,
};
use rds_evidence_inventory::network::SecurityGroup;
use rds_evidence_inventory::rds::DbInstance;
use rds_evidence_inventory::{Observed, RegionSnapshot, Snapshot};

use crate::store::Store;

pub fn demo_snapshot() -> Snapshot {
    serde_json::from_str(include_str!(
        "../../../fixtures/emulator-demo-snapshot.json"
    ))
    .expect("fixtures/emulator-demo-snapshot.json is a valid snapshot")
}

/// Evaluates `snapshot` with the built-in profile and no attestations.
pub fn evaluated(snapshot: &Snapshot) -> Evaluation {
    evaluate(snapshot, &Profile::builtin(), &Attestations::default())
}

/// Writes `snapshot` (with `evaluation`, or evaluated afresh) into the store, records it and
/// returns its directory.
pub fn write(store: &Store, snapshot: &Snapshot, evaluation: Option<&Evaluation>) -> PathBuf {
    let fresh;
    let evaluation = match evaluation {
        Some(evaluation) => evaluation,
        None => {
            fresh = evaluated(snapshot);
            &fresh
        }
    };
    let profile = Profile::builtin();
    let attestations = Attestations::default();
    let contents = Contents {
        snapshot,
        evaluation,
        profile: &profile,
        attestations: &attestations,
    };
    let unit = evaluation
        .case_study
        .as_ref()
        .map_or(&snapshot.account.id, |case| &case.id);
    let dirs = store.new_bundle_dirs(unit, &snapshot.collected_at).unwrap();
    let options = BundleOptions {
        created_at: snapshot.collected_at.clone(),
        inputs: Inputs {
            source: collection_source(snapshot),
            ..Inputs::default()
        },
        signing_key: None,
        trend: None,
    };
    let (dir, _) = write_bundle_to(
        Destination::FirstFree(&dirs),
        Input::Evaluated(contents),
        &options,
    )
    .unwrap();
    store.record(&dir).unwrap();
    dir
}

/// Flips one byte of a file of a written bundle.
pub fn tamper(dir: &Path, file: &str) {
    let path = dir.join(file);
    let mut bytes = std::fs::read(&path).unwrap();
    bytes[0] ^= 0x20;
    std::fs::write(&path, bytes).unwrap();
}

pub fn region<'s>(snapshot: &'s mut Snapshot, name: &str) -> &'s mut RegionSnapshot {
    snapshot
        .regions
        .iter_mut()
        .find(|r| r.region == name)
        .unwrap()
}

pub fn instance<'s>(snapshot: &'s mut Snapshot, region_name: &str, id: &str) -> &'s mut DbInstance {
    let Observed::Value(instances) = &mut region(snapshot, region_name).db_instances else {
        panic!("the demo lists instances in {region_name}");
    };
    instances.iter_mut().find(|i| i.identifier == id).unwrap()
}

/// A security group by name: the fixture's ids change whenever it is recorded again.
pub fn security_group<'s>(
    snapshot: &'s mut Snapshot,
    region_name: &str,
    name: &str,
) -> &'s mut SecurityGroup {
    let Observed::Value(groups) = &mut region(snapshot, region_name).network.security_groups else {
        panic!("the demo lists security groups in {region_name}");
    };
    groups.iter_mut().find(|g| g.name == name).unwrap()
}

/// A control with a fixed verdict, for tests whose output must not move with the profile.
pub fn control(id: &str, verdict: Verdict) -> ControlVerdict {
    ControlVerdict {
        control: id.to_owned(),
        title: format!("Control {id}"),
        common: false,
        verdict,
        narrative: String::new(),
        checks: Vec::new(),
        resources_at_issue: Vec::new(),
        attestation: None,
    }
}

/// Writes the demo snapshot as case study `id` of `customer` on `engine`, with these control
/// verdicts (`true`: a common control).
pub fn write_case_study(
    store: &Store,
    id: &str,
    customer: &str,
    engine: Engine,
    verdicts: &[(&str, Verdict, bool)],
) -> PathBuf {
    let mut snapshot = demo_snapshot();
    snapshot.collected_at = "2026-11-29T00:00:00Z".to_owned();
    let mut evaluation = evaluated(&snapshot);
    evaluation.controls = verdicts
        .iter()
        .map(|(control_id, verdict, common)| ControlVerdict {
            common: *common,
            ..control(control_id, *verdict)
        })
        .collect();
    evaluation.case_study = Some(CaseStudyScope {
        id: id.to_owned(),
        customer: customer.to_owned(),
        engine,
        rule: "every database of the accounts".to_owned(),
        selection: Selection::default(),
        in_scope: Vec::new(),
        out_of_scope: Vec::new(),
    });
    write(store, &snapshot, Some(&evaluation))
}

/// Writes the demo snapshot observed at `collected_at` with these control verdicts.
pub fn write_with_verdicts(
    store: &Store,
    snapshot: &mut Snapshot,
    collected_at: &str,
    verdicts: &[(&str, Verdict)],
) -> PathBuf {
    snapshot.collected_at = collected_at.to_owned();
    let mut evaluation = evaluated(snapshot);
    evaluation.controls = verdicts.iter().map(|(id, v)| control(id, *v)).collect();
    write(store, snapshot, Some(&evaluation))
}
