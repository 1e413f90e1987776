//! Loading an accounts file of 100,000 entries (`--accounts`), each with a role, an external
//! id, regions and labels: the target is under a second. Timed twice: as wall time, and as
//! the CPU time of the loading thread, which other work on a shared machine does not inflate.

use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion};
use rds_evidence_collector::{load_accounts, AccountTarget};

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

/// CPU time the calling thread has used (user and system).
fn thread_cpu_time() -> Duration {
    // SAFETY: getrusage writes the struct it is given, which outlives the call.
    let usage = unsafe {
        let mut usage: libc::rusage = std::mem::zeroed();
        assert_eq!(libc::getrusage(libc::RUSAGE_THREAD, &mut usage), 0);
        usage
    };
    let time = |t: libc::timeval| {
        Duration::from_secs(t.tv_sec as u64) + Duration::from_micros(t.tv_usec as u64)
    };
    time(usage.ru_utime) + time(usage.ru_stime)
}

fn loading(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let path = dir.path().join("accounts.toml");
    std::fs::write(&path, accounts_file(ENTRIES)).expect("write the accounts file");
    let load = || -> Vec<AccountTarget> {
        let accounts = load_accounts(&path, None).expect("a valid accounts file");
        assert_eq!(accounts.targets.len(), ENTRIES);
        accounts.targets
    };
    c.bench_function("accounts/load_100k", |b| b.iter(load));
    c.bench_function("accounts/load_100k_cpu_time", |b| {
        b.iter_custom(|iterations| {
            let start = thread_cpu_time();
            for _ in 0..iterations {
                drop(load());
            }
            thread_cpu_time() - start
        })
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(10);
    targets = loading
}
criterion_main!(benches);
