//! `verify` on bundles whose `manifest.json` (an unsigned bundle) or `signing-key.pub.pem` (a
//! signed one) is the fuzz input: a verdict or a clean error, never a panic; a bundle verifies
//! only when the manifest lists exactly the files present, and a signature only holds for the
//! key that made it.
#![no_main]

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use rds_evidence_bundle::manifest::{Inputs, MANIFEST_FILE, PUBLIC_KEY_FILE};
use rds_evidence_bundle::signing::{self, SigningKey};
use rds_evidence_bundle::{verify, write_bundle, BundleOptions, Input, Manifest};
use rds_evidence_fuzz::{demo_snapshot, scratch_dir, write};

/// The files of the unsigned bundle; the `bundle_verify` seed `fixed.json` lists them.
const FILES: &[(&str, &str)] = &[
    ("diagrams/us-east-1.dot", "digraph {}\n"),
    ("report.md", "# Report\n"),
    ("snapshot.json", "{}\n"),
];

struct Bundles {
    unsigned: PathBuf,
    signed: PathBuf,
    key: SigningKey,
}

fn bundles() -> &'static Bundles {
    static BUNDLES: OnceLock<Bundles> = OnceLock::new();
    BUNDLES.get_or_init(|| {
        let unsigned = scratch_dir().join("unsigned");
        std::fs::create_dir_all(unsigned.join("diagrams")).unwrap();
        for (name, text) in FILES {
            write(&unsigned, name, text.as_bytes());
        }
        // A real bundle, signed with a fixed key.
        let key = SigningKey::from_bytes(&[7; 32]);
        let signed = scratch_dir().join("signed");
        let options = BundleOptions {
            created_at: "2026-01-01T00:00:00Z".to_owned(),
            inputs: Inputs::default(),
            signing_key: Some(&key),
            trend: None,
        };
        write_bundle(&signed, Input::Snapshot(demo_snapshot()), &options).unwrap();
        Bundles {
            unsigned,
            signed,
            key,
        }
    })
}

fuzz_target!(|data: &[u8]| {
    let bundles = bundles();

    // The input as the manifest of an unsigned bundle.
    if let Ok(manifest) = serde_json::from_slice::<Manifest>(data) {
        let text = serde_json::to_vec(&manifest).expect("a manifest serialises");
        let again: Manifest = serde_json::from_slice(&text).expect("a written manifest parses");
        assert_eq!(again, manifest);
    }
    write(&bundles.unsigned, MANIFEST_FILE, data);
    match verify(&bundles.unsigned, None) {
        Err(error) => {
            let _ = error.to_string();
        }
        Ok(verification) => {
            let problems: Vec<String> = verification
                .problems
                .iter()
                .map(|p| p.to_string())
                .collect();
            if verification.verified() {
                let listed: BTreeSet<&str> = verification
                    .manifest
                    .files
                    .iter()
                    .map(|f| f.path.as_str())
                    .collect();
                let present: BTreeSet<&str> = FILES.iter().map(|(name, _)| *name).collect();
                assert_eq!(
                    listed, present,
                    "verified a manifest that lists other files"
                );
                assert_eq!(verification.manifest.files.len(), FILES.len());
            }
            assert!(problems.iter().all(|p| !p.is_empty()));
        }
    }

    // The input as the public key of a signed bundle, whose signer the caller expects.
    write(&bundles.signed, PUBLIC_KEY_FILE, data);
    let expected = bundles.key.verifying_key();
    let verification = verify(&bundles.signed, Some(&expected)).expect("the manifest is intact");
    if verification.verified() {
        assert_eq!(
            verification.signed_by,
            Some(signing::fingerprint(&expected)),
            "verified as signed by another key"
        );
    }
});
