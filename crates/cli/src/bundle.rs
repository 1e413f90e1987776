//! Writing bundles from `collect` and `evaluate`, and the integrity commands `verify` and
//! `keygen`.

use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::Args;
use rds_evidence_bundle::manifest::{InputFile, Inputs};
use rds_evidence_bundle::report::Trend;
use rds_evidence_bundle::signing::{self, SigningKey};
use rds_evidence_bundle::{
    check_archive_destination, check_destination, sha256_file, verify, write_archive,
    write_bundle_to, BundleOptions, Destination, Input, Manifest, REPORT_HTML_FILE,
};
use rds_evidence_controls::CaseStudy;

/// How bundles are finished: signed, archived.
#[derive(Debug, Clone, Default, Args)]
pub struct BundleArgs {
    /// Sign the bundle's manifest with this Ed25519 key (PKCS#8 PEM, from `rds-evidence
    /// keygen`); the public key and signature go into the bundle.
    #[arg(long, value_name = "FILE")]
    sign_key: Option<PathBuf>,

    /// Also write the bundle as DIR.tar.gz beside it.
    #[arg(long)]
    archive: bool,
}

/// Bundle settings checked up front, before any AWS call.
pub struct BundleWriter {
    signing_key: Option<SigningKey>,
    archive: bool,
}

impl BundleArgs {
    pub fn load(&self) -> anyhow::Result<BundleWriter> {
        let signing_key = match &self.sign_key {
            Some(path) => Some(signing::read_signing_key(path)?),
            None => None,
        };
        Ok(BundleWriter {
            signing_key,
            archive: self.archive,
        })
    }
}

/// Where the bundle's content came from, for its manifest.
pub struct Provenance<'a> {
    pub source: String,
    pub profile: Option<&'a Path>,
    pub attestations: Option<&'a Path>,
    /// The case-study file that scoped the evaluation, hashed when it was read.
    pub case_study: Option<&'a CaseStudy>,
    pub evaluated: bool,
    /// Verdicts of earlier runs, for the report's trend (runs into a history store).
    pub trend: Option<&'a Trend>,
}

impl BundleWriter {
    /// Whether the bundle (and its archive) can be written at `dir`, before the work that
    /// produces it.
    pub fn check_destination(&self, dir: &Path) -> anyhow::Result<()> {
        check_destination(dir)?;
        if self.archive {
            check_archive_destination(dir)?;
        }
        Ok(())
    }

    /// Writes the bundle at `destination` and prints where it is. Returns where it went and
    /// its manifest.
    pub fn write(
        &self,
        destination: Destination,
        input: Input,
        provenance: &Provenance,
    ) -> anyhow::Result<(PathBuf, Manifest)> {
        let attestations = match provenance.attestations {
            Some(path) => Some(InputFile {
                path: path.display().to_string(),
                sha256: sha256_file(path)?,
            }),
            None => None,
        };
        let profile_sha256 = match provenance.profile.filter(|_| provenance.evaluated) {
            Some(path) => Some(sha256_file(path)?),
            None => None,
        };
        let options = BundleOptions {
            created_at: rds_evidence_collector::utc_now(),
            inputs: Inputs {
                source: provenance.source.clone(),
                profile: provenance.evaluated.then(|| {
                    provenance
                        .profile
                        .map_or_else(|| "built-in".to_owned(), |p| p.display().to_string())
                }),
                profile_sha256,
                attestations,
                case_study: provenance.case_study.map(|case| InputFile {
                    path: case.file.display().to_string(),
                    sha256: case.sha256.clone(),
                }),
            },
            signing_key: self.signing_key.as_ref(),
            trend: provenance.trend,
        };
        let (dir, manifest) = write_bundle_to(destination, input, &options).with_context(|| {
            let dir = match destination {
                Destination::At(dir) => dir,
                Destination::FirstFree(dirs) => dirs.first().map_or(Path::new(""), |d| d),
            };
            format!("writing the bundle {}", dir.display())
        })?;
        println!(
            "Bundle written to {} ({} files)",
            dir.display(),
            manifest.files.len() + 1
        );
        if provenance.evaluated {
            println!("Report: {}", dir.join(REPORT_HTML_FILE).display());
        }
        Ok((dir, manifest))
    }

    /// With `--archive`, writes `DIR.tar.gz` beside the bundle written at `dir`. Its failure
    /// is an [`ArchiveFailed`]: the bundle itself stays written and complete.
    pub fn archive(&self, dir: &Path, manifest: &Manifest) -> Result<(), ArchiveFailed> {
        if !self.archive {
            return Ok(());
        }
        let archive = write_archive(dir, manifest).map_err(|error| ArchiveFailed {
            bundles: vec![dir.to_owned()],
            why: error.to_string(),
        })?;
        println!("Archive: {}", archive.display());
        Ok(())
    }
}

/// `--archive` failed after the bundles were written: exit code 6, not 1 ("nothing written").
#[derive(Debug)]
pub struct ArchiveFailed {
    pub bundles: Vec<PathBuf>,
    pub why: String,
}

impl std::fmt::Display for ArchiveFailed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let bundles: Vec<String> = self
            .bundles
            .iter()
            .map(|b| b.display().to_string())
            .collect();
        write!(
            f,
            "{}; the bundle {} written and complete, only its archive is missing",
            self.why,
            match bundles.as_slice() {
                [one] => format!("{one} is"),
                many => format!("s {} are", many.join(", ")),
            }
        )
    }
}

impl std::error::Error for ArchiveFailed {}

#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// The bundle directory.
    #[arg(value_name = "BUNDLE")]
    bundle: PathBuf,

    /// Require a signature by this public key (PEM, the `.pub.pem` from `keygen`).
    #[arg(long, value_name = "FILE")]
    public_key: Option<PathBuf>,
}

/// Whether a verified bundle held up.
pub enum Verdict {
    Verified,
    Failed,
}

pub fn run_verify(args: VerifyArgs) -> anyhow::Result<Verdict> {
    let expected = match &args.public_key {
        Some(path) => Some(signing::read_verifying_key(path)?),
        None => None,
    };
    let bundle = args.bundle.display();
    // No manifest, an unreadable one, or one that is not ours: the bundle does not check out.
    let verification = match verify(&args.bundle, expected.as_ref()) {
        Ok(verification) => verification,
        Err(error) => {
            eprintln!("{bundle}: FAILED verification: {error}");
            return Ok(Verdict::Failed);
        }
    };
    if !verification.verified() {
        for problem in &verification.problems {
            eprintln!("{bundle}: {problem}");
        }
        eprintln!(
            "{bundle}: FAILED verification ({} problem(s))",
            verification.problems.len()
        );
        return Ok(Verdict::Failed);
    }
    let signer = verification.signed_by.map_or_else(
        || "unsigned".to_owned(),
        |key| format!("signed by key {key}"),
    );
    println!(
        "{bundle}: verified: {} files match the manifest; {signer}",
        verification.manifest.files.len()
    );
    Ok(Verdict::Verified)
}

#[derive(Debug, Args)]
pub struct KeygenArgs {
    /// Where to write the secret key (owner-only); the public key goes to FILE.pub.pem.
    #[arg(long, value_name = "FILE")]
    out: PathBuf,
}

pub fn run_keygen(args: KeygenArgs) -> anyhow::Result<()> {
    let key = signing::generate()?;
    let public = signing::write_key_pair(&key, &args.out)?;
    println!(
        "Secret key: {} (keep it private)\nPublic key: {} (fingerprint {})",
        args.out.display(),
        public.display(),
        signing::fingerprint(&key.verifying_key())
    );
    Ok(())
}
