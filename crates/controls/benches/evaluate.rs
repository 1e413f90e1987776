//! Evaluation of a generated 10,000-instance snapshot against the built-in profile.

use criterion::{criterion_group, criterion_main, Criterion};
use rds_evidence_controls::{evaluate, Attestations, Profile};

#[path = "support/large_snapshot.rs"]
mod large_snapshot;

fn evaluation(c: &mut Criterion) {
    let snapshot = large_snapshot::large_snapshot(large_snapshot::INSTANCES);
    let profile = Profile::builtin();
    let attestations = Attestations::default();
    c.bench_function("evaluate/10k_instances", |b| {
        b.iter(|| evaluate(&snapshot, &profile, &attestations))
    });
}

criterion_group! {
    name = benches;
    // One evaluation takes long enough that ten samples give a stable figure.
    config = Criterion::default().sample_size(10);
    targets = evaluation
}
criterion_main!(benches);
