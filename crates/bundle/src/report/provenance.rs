//! Where a report's evidence came from, as its first screen states it: how the snapshot was
//! collected (live, through another endpoint, or replayed from which recording), which
//! checklist it was evaluated against and whether that is the official edition, which tool
//! versions took part, and anything that makes the account it speaks for doubtful.

use rds_evidence_controls::Profile;
use rds_evidence_inventory::Source;

use crate::manifest::Inputs;
use crate::Contents;

/// The report's provenance, in words.
pub struct Provenance<'a> {
    pub collected_by: String,
    /// A snapshot evaluated again: the file it was read from.
    pub evaluated_from: Option<&'a str>,
    pub checklist_edition: String,
    /// The profile is a built-in edition, unchanged.
    pub official_checklist: bool,
    /// This tool's version, when another version collected the snapshot.
    pub evaluated_by: Option<&'static str>,
    /// What makes the evidence doubtful, each a sentence.
    pub warnings: Vec<String>,
}

impl<'a> Provenance<'a> {
    pub fn of(contents: Contents<'a>, inputs: Option<&'a Inputs>) -> Provenance<'a> {
        let snapshot = contents.snapshot;
        let replay = matches!(snapshot.source, Some(Source::Replay { .. }));
        let collected_by = match &snapshot.source {
            Some(Source::Live { endpoint: None }) => "live, from AWS".to_owned(),
            Some(Source::Live {
                endpoint: Some(url),
            }) => format!("live, from the endpoint {url} instead of AWS"),
            Some(Source::Replay {
                recording,
                recorded_at,
                recorded_by,
                anonymized,
            }) => format!(
                "replay of the recording {recording}, recorded {recorded_at} by rds-evidence \
                 {recorded_by}{}: nothing was read from AWS",
                if *anonymized {
                    ", account ids anonymized"
                } else {
                    ""
                }
            ),
            None => {
                "not recorded (an earlier version of rds-evidence wrote the snapshot)".to_owned()
            }
        };
        let evaluated_from = inputs.and_then(|i| i.source.strip_prefix("snapshot:"));
        let (checklist_edition, official_checklist) = edition(contents.profile, inputs);
        let evaluated_by = (snapshot.tool_version != env!("CARGO_PKG_VERSION"))
            .then_some(env!("CARGO_PKG_VERSION"));
        let foreign = snapshot.foreign_owners();
        let warnings = if foreign.is_empty() {
            Vec::new()
        } else {
            vec![format!(
                "Databases in this snapshot belong to account(s) {}, not to {}, the account the \
                 caller identity names: the responses do not come from one account{}.",
                foreign.into_iter().collect::<Vec<_>>().join(", "),
                snapshot.account.id,
                if replay {
                    "; the recording may have been edited, or assembled from several accounts"
                } else {
                    ""
                }
            )]
        };
        Provenance {
            collected_by,
            evaluated_from,
            checklist_edition,
            official_checklist,
            evaluated_by,
            warnings,
        }
    }
}

/// Which edition `profile` is, and whether it is the official one: the built-in profile of the
/// same id, unchanged (compared as evaluated, so formatting and comments do not count).
fn edition(profile: &Profile, inputs: Option<&Inputs>) -> (String, bool) {
    let builtin = Profile::builtin();
    let canonical = |p: &Profile| serde_json::to_vec(p).expect("a profile serializes");
    let official = canonical(profile) == canonical(&builtin);
    let file = inputs.and_then(|i| {
        let path = i.profile.as_deref().filter(|p| *p != "built-in")?;
        Some(match &i.profile_sha256 {
            Some(sha256) => format!("the file {path} (SHA-256 {sha256})"),
            None => format!("the file {path}"),
        })
    });
    let text = match (official, &file) {
        (true, None) => "the built-in edition".to_owned(),
        (true, Some(file)) => format!("{file}, identical to the built-in edition"),
        (false, _) if profile.id == builtin.id => format!(
            "{}: NOT the official checklist, it differs from the built-in edition it names",
            file.as_deref().unwrap_or("a profile")
        ),
        (false, _) => format!(
            "{}: a custom profile, not the official checklist",
            file.as_deref().unwrap_or("a profile")
        ),
    };
    (text, official)
}
