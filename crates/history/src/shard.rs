//! Splitting the accounts between N parallel jobs (Kubernetes indexed Job pods, an AWS Batch
//! array job) so that together they cover every account exactly once.
//!
//! An account's shard is a hash of its id, not its position in the list: every machine
//! computes the same split whatever order its accounts file lists them in, and adding an
//! account moves no other. Shards are numbered from 0, like `AWS_BATCH_JOB_ARRAY_INDEX` and
//! Kubernetes' `JOB_COMPLETION_INDEX`, so either can be passed as it is: `--shard
//! $AWS_BATCH_JOB_ARRAY_INDEX/4`.

use std::fmt;

use sha2::{Digest, Sha256};

use crate::error::HistoryError;

/// Shard `index` of `count`, `0 <= index < count`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    pub index: usize,
    pub count: usize,
}

impl Shard {
    /// Parses `I/N`: shard I (from 0) of N.
    pub fn parse(spec: &str) -> Result<Shard, HistoryError> {
        let fail = |why: String| HistoryError::Shard {
            spec: spec.to_owned(),
            why,
        };
        let (index, count) = spec.split_once('/').ok_or_else(|| {
            fail("expected I/N, e.g. 0/4 for the first of four shards".to_owned())
        })?;
        let number = |text: &str, what: &str| {
            text.trim()
                .parse::<usize>()
                .map_err(|_| fail(format!("{what} {text:?} is not a whole number")))
        };
        let (index, count) = (number(index, "index")?, number(count, "count")?);
        if count == 0 {
            return Err(fail("the number of shards must be at least 1".to_owned()));
        }
        if index >= count {
            return Err(fail(format!(
                "shards count from 0, so with {count} shard(s) the index is 0 to {}",
                count - 1
            )));
        }
        Ok(Shard { index, count })
    }

    pub fn contains(&self, account_id: &str) -> bool {
        shard_of(account_id, self.count) == self.index
    }
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

/// The shard (`0..n`) of an account: the first eight bytes of SHA-256 of its id, modulo `n`.
/// `n` of 0 is treated as 1.
pub fn shard_of(account_id: &str, n: usize) -> usize {
    let digest = Sha256::digest(account_id.as_bytes());
    let mut first = [0u8; 8];
    first.copy_from_slice(&digest[..8]);
    let n = n.max(1) as u64;
    // The remainder is below n, which came from a usize.
    (u64::from_be_bytes(first) % n) as usize
}

/// The accounts of `shard`, in their given order.
pub fn select<A: AsRef<str>>(accounts: &[A], shard: Shard) -> Vec<&A> {
    accounts
        .iter()
        .filter(|a| shard.contains(a.as_ref()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn accounts() -> Vec<String> {
        (0..500)
            .map(|i| format!("{:012}", 100_000_000_000u64 + i * 7_919))
            .collect()
    }

    #[test]
    fn every_account_lands_in_exactly_one_shard() {
        let accounts = accounts();
        for n in [1, 2, 3, 4, 7, 16, 64] {
            let mut seen = vec![0usize; accounts.len()];
            let mut sizes = Vec::new();
            for index in 0..n {
                let shard = Shard { index, count: n };
                let selected = select(&accounts, shard);
                sizes.push(selected.len());
                for account in selected {
                    let at = accounts.iter().position(|a| a == account).unwrap();
                    seen[at] += 1;
                }
            }
            assert!(seen.iter().all(|&times| times == 1), "n = {n}");
            if n <= 4 {
                let fair = accounts.len() / n;
                assert!(
                    sizes.iter().all(|&s| s > fair / 2 && s < fair * 3 / 2),
                    "n = {n}: {sizes:?}"
                );
            }
        }
    }

    #[test]
    fn the_split_does_not_depend_on_list_order() {
        let accounts = accounts();
        let mut reversed = accounts.clone();
        reversed.reverse();
        let shard = Shard { index: 1, count: 3 };
        let mut forward: Vec<&String> = select(&accounts, shard);
        let mut backward: Vec<&String> = select(&reversed, shard);
        forward.sort();
        backward.sort();
        assert_eq!(forward, backward);
    }

    #[test]
    fn shards_are_stable_across_machines() {
        // Fixed values: a change here moves accounts between jobs already scheduled.
        assert_eq!(shard_of("123456789012", 4), shard_of("123456789012", 4));
        let pinned: Vec<usize> = ["111111111111", "222222222222", "333333333333"]
            .iter()
            .map(|a| shard_of(a, 10))
            .collect();
        assert_eq!(pinned, PINNED);
    }

    const PINNED: [usize; 3] = [6, 5, 4];

    #[test]
    fn specs_parse_from_zero_with_clear_errors() {
        assert_eq!(Shard::parse("0/4").unwrap(), Shard { index: 0, count: 4 });
        assert_eq!(Shard::parse("3/4").unwrap().to_string(), "3/4");
        for (spec, expected) in [
            ("4/4", "the index is 0 to 3"),
            ("1/0", "at least 1"),
            ("x/4", "not a whole number"),
            ("-1/4", "not a whole number"),
            ("2", "expected I/N"),
        ] {
            let err = Shard::parse(spec).unwrap_err().to_string();
            assert!(err.contains(expected), "{spec}: {err}");
            assert!(err.contains(spec), "{spec}: {err}");
        }
    }
}
