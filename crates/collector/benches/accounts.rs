//! Loading an accounts file of 100,000 entries (`--accounts`), each with a role, an external
//! id, regions and labels: the target is under a second.

use criterion::{criterion_group, criterion_main, Criterion};
use rds_evidence_collector::load_accounts;

const ENTRIES: usize = 100_000;

fn accounts_file(entries: usize) -> String {
    (0..entries)
        .map(|n| {
            let id = format!("{:012}", 100_000_000_000 + n);
            format!(
                "[[account]]\nid = \"{id}\"\nrole_arn = \"arn:aws:iam::{id}:role/RdsEvidenceReadOnly\"\n\
                 external_id = \"partner-{n:06}\"\nregions = [\"us-east-1\", \"eu-west-1\"]\n\
                 labels = {{ customer = \"Customer {n}\", environment = \"prod\" }}\n\n"
            )
        })
        .collect()
}

fn loading(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let path = dir.path().join("accounts.toml");
    std::fs::write(&path, accounts_file(ENTRIES)).expect("write the accounts file");
    c.bench_function("accounts/load_100k", |b| {
        b.iter(|| {
            let targets = load_accounts(&path, None).expect("a valid accounts file");
            assert_eq!(targets.len(), ENTRIES);
            targets
        })
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(10);
    targets = loading
}
criterion_main!(benches);
