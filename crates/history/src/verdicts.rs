//! How verdicts compare and how they are written in compact tables.

use rds_evidence_controls::Verdict;

/// Best first. A move down this list is a regression.
///
/// Exempt by a Well-Architected review sits below met and above everything else: the control
/// need not be proven while the review holds.
///
/// Needs attestation sits just below met: the account shows everything it can and only the
/// partner's document is missing, so a control going from partially met (something failed) to
/// needs attestation has improved. Insufficient evidence is below partially met because
/// nothing can be claimed from it; not met (proven failure, nothing passing) is last.
pub const ORDER: [Verdict; 6] = [
    Verdict::Met,
    Verdict::ExemptWafr,
    Verdict::NeedsAttestation,
    Verdict::PartiallyMet,
    Verdict::InsufficientEvidence,
    Verdict::NotMet,
];

/// Position in [`ORDER`]: lower is better.
pub fn rank(verdict: Verdict) -> usize {
    ORDER
        .iter()
        .position(|v| *v == verdict)
        .unwrap_or(ORDER.len())
}

/// Whether going from `old` to `new` made the control worse.
pub fn is_regression(old: Verdict, new: Verdict) -> bool {
    rank(new) > rank(old)
}

/// One letter per verdict, for tables with a column per run or per control.
pub fn symbol(verdict: Verdict) -> char {
    match verdict {
        Verdict::Met => 'M',
        Verdict::NeedsAttestation => 'A',
        Verdict::PartiallyMet => 'P',
        Verdict::InsufficientEvidence => 'I',
        Verdict::NotMet => 'N',
        Verdict::ExemptWafr => 'W',
    }
}

/// The symbol for a control a run or bundle does not have.
pub const ABSENT: char = '-';

pub fn label(verdict: Verdict) -> &'static str {
    match verdict {
        Verdict::Met => "met",
        Verdict::NeedsAttestation => "needs attestation",
        Verdict::PartiallyMet => "partially met",
        Verdict::InsufficientEvidence => "insufficient evidence",
        Verdict::NotMet => "not met",
        Verdict::ExemptWafr => "exempt (WAFR)",
    }
}

/// `M met, A needs attestation, …, - not evaluated in that run`.
pub fn legend(absent: &str) -> String {
    let mut parts: Vec<String> = ORDER
        .iter()
        .map(|v| format!("{} {}", symbol(*v), label(*v)))
        .collect();
    parts.push(format!("{ABSENT} {absent}"));
    parts.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regressions_follow_the_order() {
        assert!(is_regression(Verdict::Met, Verdict::NeedsAttestation));
        assert!(is_regression(
            Verdict::NeedsAttestation,
            Verdict::PartiallyMet
        ));
        assert!(is_regression(
            Verdict::PartiallyMet,
            Verdict::InsufficientEvidence
        ));
        assert!(is_regression(
            Verdict::InsufficientEvidence,
            Verdict::NotMet
        ));
        assert!(!is_regression(Verdict::NotMet, Verdict::Met));
        assert!(!is_regression(Verdict::Met, Verdict::Met));
    }

    #[test]
    fn symbols_are_distinct() {
        let mut symbols: Vec<char> = ORDER.iter().map(|v| symbol(*v)).collect();
        symbols.push(ABSENT);
        symbols.sort_unstable();
        symbols.dedup();
        assert_eq!(symbols.len(), ORDER.len() + 1);
    }
}
