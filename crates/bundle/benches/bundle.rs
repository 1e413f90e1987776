//! The evidence bundle of a generated 10,000-instance snapshot: the whole `write_bundle`, each
//! renderer on its own, and the snapshot's JSON both ways.

use std::io;

use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use rds_evidence_bundle::manifest::Inputs;
use rds_evidence_bundle::{
    diagram, findings_csv, ocsf, read_snapshot, report, spreadsheet, write_bundle, write_snapshot,
    BundleOptions, Contents, Input,
};
use rds_evidence_controls::{evaluate, Attestations, Profile};

#[path = "../../controls/benches/support/large_snapshot.rs"]
mod large_snapshot;

fn options() -> BundleOptions<'static> {
    BundleOptions {
        created_at: "2026-01-01T00:00:00Z".to_owned(),
        inputs: Inputs::default(),
        signing_key: None,
        trend: None,
    }
}

fn benches(c: &mut Criterion) {
    let snapshot = large_snapshot::large_snapshot(large_snapshot::INSTANCES);
    let profile = Profile::builtin();
    let attestations = Attestations::default();
    let evaluation = evaluate(&snapshot, &profile, &attestations);
    let contents = Contents {
        snapshot: &snapshot,
        evaluation: &evaluation,
        profile: &profile,
        attestations: &attestations,
    };

    // A fresh directory per iteration, removed outside the timing: replacing an earlier
    // bundle is not what is measured.
    let fresh_dir = || tempfile::tempdir().expect("temporary directory");
    let mut group = c.benchmark_group("bundle");
    group.sample_size(10);
    group.bench_function("write_bundle/10k_instances", |b| {
        b.iter_batched(
            fresh_dir,
            |dir| {
                write_bundle(
                    &dir.path().join("bundle"),
                    Input::Evaluated(contents),
                    &options(),
                )
                .expect("bundle written");
                dir
            },
            BatchSize::PerIteration,
        )
    });
    // The target: from a collected snapshot to a written bundle.
    group.bench_function("evaluate_and_write_bundle/10k_instances", |b| {
        b.iter_batched(
            fresh_dir,
            |dir| {
                let evaluation = evaluate(&snapshot, &profile, &attestations);
                let contents = Contents {
                    evaluation: &evaluation,
                    ..contents
                };
                write_bundle(
                    &dir.path().join("bundle"),
                    Input::Evaluated(contents),
                    &options(),
                )
                .expect("bundle written");
                dir
            },
            BatchSize::PerIteration,
        )
    });
    group.finish();

    let diagrams = diagram::diagrams(contents);
    let mut group = c.benchmark_group("render");
    group.sample_size(10);
    group.bench_function("diagrams", |b| b.iter(|| diagram::diagrams(contents)));
    group.bench_function("report_markdown", |b| {
        b.iter(|| report::markdown(contents, &diagrams))
    });
    group.bench_function("report_html", |b| {
        b.iter(|| report::html(contents, &diagrams))
    });
    group.bench_function("spreadsheet", |b| {
        b.iter(|| spreadsheet::self_assessment(&[contents]).expect("workbook"))
    });
    group.bench_function("ocsf", |b| {
        b.iter(|| ocsf::write(contents, &mut io::sink()).expect("written"))
    });
    group.bench_function("findings_csv", |b| {
        b.iter(|| findings_csv::write(contents, &mut io::sink()).expect("written"))
    });
    group.finish();

    let dir = fresh_dir();
    let path = write_snapshot(dir.path(), &snapshot).expect("snapshot written");
    let mut group = c.benchmark_group("snapshot");
    group.sample_size(10);
    group.bench_function("serialize", |b| {
        b.iter(|| serde_json::to_writer_pretty(io::sink(), &snapshot).expect("serialized"))
    });
    group.bench_function("read_snapshot", |b| {
        b.iter(|| read_snapshot(&path).expect("snapshot read"))
    });
    group.finish();
}

criterion_group!(bundle, benches);
criterion_main!(bundle);
