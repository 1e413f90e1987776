//! `Profile::parse` (a `profiles/*.toml` checklist edition): a validated profile or a clean
//! error naming the line; a valid profile written back as TOML parses to the same profile,
//! and evaluating the demo account against it does not panic (thresholds at any extreme).
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;
use rds_evidence_controls::{Attestations, Profile};
use rds_evidence_fuzz::evaluate_demo;

fuzz_target!(|data: &[u8]| {
    // Profiles are read with `read_to_string`: bytes that are not UTF-8 are a read error.
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let profile = match Profile::parse(text, Path::new("fuzz.toml")) {
        Ok(profile) => profile,
        Err(error) => {
            let message = error.to_string();
            assert!(message.starts_with("fuzz.toml"), "{message}");
            return;
        }
    };
    let written = toml::to_string(&profile).expect("a profile serialises as TOML");
    let again = Profile::parse(&written, Path::new("written.toml"))
        .unwrap_or_else(|e| panic!("a written profile does not parse: {e}\n{written}"));
    assert_eq!(
        serde_json::to_value(&again).unwrap(),
        serde_json::to_value(&profile).unwrap(),
        "parse → write → parse changed the profile"
    );
    evaluate_demo(&profile, &Attestations::default());
});
