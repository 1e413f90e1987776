//! Writing a bundle: every file into a staging directory beside the destination, hashed as it
//! is written, the manifest (and signature) last, everything synced, then one rename.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::thread::JoinHandle;

use ed25519_dalek::SigningKey;
use rds_evidence_inventory::{input, Snapshot};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::findings_csv::snake_case;
use crate::json::TEMPORARY_PREFIX;
use crate::manifest::{
    AccountRef, CaseStudyRef, FileEntry, Inputs, Manifest, ProfileRef, FORMAT, FORMAT_VERSION,
    MANIFEST_FILE, PUBLIC_KEY_FILE, SIGNATURE_FILE,
};
use crate::{
    archive, case_study, diagram, findings_csv, ocsf, report, signing, spreadsheet, verify,
    BundleError, Contents, CASE_STUDY_FILE, CASE_STUDY_SUMMARY_FILE, CONTROLS_FILE, CSV_FILE,
    DIAGRAMS_DIR, FINDINGS_FILE, OCSF_FILE, REPORT_HTML_FILE, REPORT_MD_FILE, SNAPSHOT_FILE,
    SPREADSHEET_FILE, WAFR_REPORT_FILE,
};

/// Copies of the partner's attested documents, by hash.
pub const ATTESTATIONS_DIR: &str = "attestations";

/// Modes of new bundle files (before the umask): the rendered files, and copies of documents.
const READABLE: u32 = 0o666;
const OWNER_ONLY: u32 = 0o600;

/// What a bundle is made from.
#[derive(Clone, Copy)]
pub enum Input<'a> {
    /// A snapshot alone (`collect --no-evaluate`): the snapshot and the manifest.
    Snapshot(&'a Snapshot),
    /// A snapshot evaluated against a profile: every artifact.
    Evaluated(Contents<'a>),
}

pub struct BundleOptions<'a> {
    /// When the bundle is written (RFC 3339): the caller's clock, not this crate's.
    pub created_at: String,
    pub inputs: Inputs,
    pub signing_key: Option<&'a SigningKey>,
    /// Verdict counts of the account's runs (from the history store) for the reports'
    /// "Verdicts over time" section; `None` leaves the section out.
    pub trend: Option<&'a report::Trend>,
}

impl Input<'_> {
    fn snapshot(&self) -> &Snapshot {
        match self {
            Input::Snapshot(snapshot) => snapshot,
            Input::Evaluated(contents) => contents.snapshot,
        }
    }
}

/// Where a bundle goes.
#[derive(Clone, Copy)]
pub enum Destination<'a> {
    /// This directory: missing, empty, or an earlier bundle, which is replaced whole. Anything
    /// else is refused rather than overwritten.
    At(&'a Path),
    /// The first of these sibling directories that is missing or empty when the bundle is
    /// installed: a bundle is never replaced (a history store keeps every run).
    FirstFree(&'a [PathBuf]),
}

/// Writes the bundle for `input` at `dir` (see [`Destination::At`]) and returns its manifest.
pub fn write_bundle(
    dir: &Path,
    input: Input,
    options: &BundleOptions,
) -> Result<Manifest, BundleError> {
    write_bundle_to(Destination::At(dir), input, options).map(|(_, manifest)| manifest)
}

/// Writes the bundle for `input` at `destination`; returns where it went and its manifest.
pub fn write_bundle_to(
    destination: Destination,
    input: Input,
    options: &BundleOptions,
) -> Result<(PathBuf, Manifest), BundleError> {
    let dir = match destination {
        Destination::At(dir) => dir,
        Destination::FirstFree(dirs) => dirs.first().ok_or_else(|| BundleError::CreateDir {
            path: PathBuf::new(),
            source: std::io::Error::other("no directory to write the bundle to"),
        })?,
    };
    let parent = parent_of(dir);
    recover(dir, &parent);
    match destination {
        Destination::At(dir) => ensure_replaceable(dir)?,
        Destination::FirstFree(_) => refuse_inside_bundle(dir)?,
    }
    std::fs::create_dir_all(&parent).map_err(|source| BundleError::CreateDir {
        path: parent.clone(),
        source,
    })?;
    let staging = tempfile::Builder::new()
        .prefix(&format!(".{}.partial-", file_name(dir)))
        .tempdir_in(&parent)
        .map_err(|source| BundleError::CreateDir {
            path: parent.clone(),
            source,
        })?;
    let mut files = Staging::new(staging.path());
    files.json(SNAPSHOT_FILE, input.snapshot())?;
    if let Input::Evaluated(contents) = input {
        let context = report::Context {
            inputs: Some(&options.inputs),
            trend: options.trend,
        };
        write_evaluated(&mut files, contents, context)?;
    }
    let manifest = manifest(input, options, files.finish());
    let mut manifest_bytes = serde_json::to_vec_pretty(&manifest).expect("manifest serializes");
    manifest_bytes.push(b'\n');
    files.raw(MANIFEST_FILE, &manifest_bytes)?;
    if let Some(key) = options.signing_key {
        files.raw(SIGNATURE_FILE, &signing::sign(key, &manifest_bytes))?;
        let public = signing::public_key_pem(&key.verifying_key());
        files.raw(PUBLIC_KEY_FILE, public.as_bytes())?;
    }
    files.sync_dirs()?;
    let installed = match destination {
        Destination::At(dir) => install(staging.keep(), dir).map(|()| dir.to_owned())?,
        Destination::FirstFree(dirs) => install_new(staging.keep(), dirs)?,
    };
    Ok((installed, manifest))
}

fn write_evaluated(
    files: &mut Staging,
    contents: Contents,
    context: report::Context,
) -> Result<(), BundleError> {
    // OCSF, the largest file (about 1.5 kB a finding), renders on a second core meanwhile.
    let ocsf_file = files.create(OCSF_FILE)?;
    std::thread::scope(|scope| {
        let ocsf = scope.spawn(|| ocsf_file.fill(|out| ocsf::write(contents, out)));
        let others = write_all_but_ocsf(files, contents, context);
        let ocsf = ocsf
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        others?;
        files.adopt(ocsf?);
        Ok(())
    })
}

fn write_all_but_ocsf(
    files: &mut Staging,
    contents: Contents,
    context: report::Context,
) -> Result<(), BundleError> {
    let evaluation = contents.evaluation;
    files.json(FINDINGS_FILE, &evaluation.findings)?;
    files.json(CONTROLS_FILE, &evaluation.controls)?;
    if let Some(report) = contents
        .snapshot
        .well_architected
        .as_ref()
        .and_then(|review| review.report.value())
    {
        use base64::Engine as _;
        // The collector kept only a report that decodes.
        if let Ok(pdf) = base64::engine::general_purpose::STANDARD.decode(report) {
            files.bytes(WAFR_REPORT_FILE, &pdf)?;
        }
    }
    if let Some(scope) = &evaluation.case_study {
        files.json(CASE_STUDY_FILE, scope)?;
        files.bytes(
            CASE_STUDY_SUMMARY_FILE,
            case_study::summary(contents, scope).as_bytes(),
        )?;
    }
    files.stream(CSV_FILE, |out| findings_csv::write(contents, out))?;
    let diagrams = diagram::diagrams(contents);
    for diagram in &diagrams {
        // The name is a safe file name already.
        let stem = format!("{DIAGRAMS_DIR}/{}", diagram.name);
        files.bytes(&format!("{stem}.svg"), diagram.svg.as_bytes())?;
        files.bytes(&format!("{stem}.drawio"), diagram.drawio.as_bytes())?;
        files.bytes(&format!("{stem}.dot"), diagram.dot.as_bytes())?;
    }
    files.bytes(
        REPORT_MD_FILE,
        report::markdown_in(contents, &diagrams, context).as_bytes(),
    )?;
    files.bytes(
        REPORT_HTML_FILE,
        report::html_in(contents, &diagrams, context).as_bytes(),
    )?;
    files.bytes(
        SPREADSHEET_FILE,
        &spreadsheet::self_assessment(&[contents])?,
    )?;
    copy_attested_documents(files, contents)
}

/// Copies each local attested document as `attestations/<hash prefix>-<name>`, refusing one
/// that changed since it was hashed: the bundle must hold what the verdicts were based on.
fn copy_attested_documents(files: &mut Staging, contents: Contents) -> Result<(), BundleError> {
    for attestation in contents.attestations.controls.values() {
        for document in &attestation.documents {
            let (Some(source), Some(expected)) = (&document.local_path, &document.sha256) else {
                continue;
            };
            // Named as the partner cites it; read from where that resolved.
            let name = Path::new(&document.reference)
                .file_name()
                .map(|n| safe_name(&n.to_string_lossy()))
                .unwrap_or_default();
            let target = format!("{ATTESTATIONS_DIR}/{}-{name}", &expected[..12]);
            if files.contains(&target) {
                continue;
            }
            let mut reader = input::open(source).map_err(|source_error| BundleError::Read {
                path: source.clone(),
                source: source_error,
            })?;
            let entry =
                files.stream_private(&target, |out| std::io::copy(&mut reader, out).map(drop))?;
            if &entry.sha256 != expected {
                return Err(BundleError::DocumentChanged {
                    path: source.clone(),
                });
            }
        }
    }
    Ok(())
}

fn manifest(input: Input, options: &BundleOptions, files: Vec<FileEntry>) -> Manifest {
    let snapshot = input.snapshot();
    let mut verdicts = std::collections::BTreeMap::new();
    let mut outcomes = std::collections::BTreeMap::new();
    let mut profile = None;
    let mut case_study = None;
    if let Input::Evaluated(contents) = input {
        case_study = contents
            .evaluation
            .case_study
            .as_ref()
            .map(|scope| CaseStudyRef {
                id: scope.id.clone(),
                customer: scope.customer.clone(),
                engine: scope.engine,
                accounts: std::iter::once(snapshot)
                    .chain(&snapshot.other_accounts)
                    .map(|s| s.account.id.clone())
                    .collect(),
                databases: scope.in_scope.len(),
            });
        for control in &contents.evaluation.controls {
            *verdicts.entry(snake_case(control.verdict)).or_insert(0) += 1;
        }
        for finding in &contents.evaluation.findings {
            *outcomes.entry(snake_case(finding.outcome)).or_insert(0) += 1;
        }
        let canonical = serde_json::to_vec(contents.profile).expect("profile serializes");
        profile = Some(ProfileRef {
            id: contents.profile.id.clone(),
            title: contents.profile.title.clone(),
            sha256: hex::encode(Sha256::digest(&canonical)),
        });
    }
    Manifest {
        format: FORMAT.to_owned(),
        format_version: FORMAT_VERSION,
        tool_version: snapshot.tool_version.clone(),
        created_at: options.created_at.clone(),
        collected_at: snapshot.collected_at.clone(),
        account: AccountRef {
            id: snapshot.account.id.clone(),
            labels: snapshot.account.labels.clone().into_iter().collect(),
        },
        regions: snapshot.regions.iter().map(|r| r.region.clone()).collect(),
        profile,
        case_study,
        inputs: options.inputs.clone(),
        verdicts,
        outcomes,
        unavailable: snapshot.gaps().len(),
        files,
    }
}

/// Bundle file names derived from data (regions, document names) keep to a safe alphabet.
pub(crate) fn safe_name(name: &str) -> String {
    name.chars()
        .map(|c| match c {
            'a'..='z' | 'A'..='Z' | '0'..='9' | '.' | '-' | '_' | '+' => c,
            _ => '_',
        })
        .collect::<String>()
        .trim_start_matches('.')
        .to_owned()
}

fn parent_of(dir: &Path) -> PathBuf {
    match dir.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_owned(),
        _ => PathBuf::from("."),
    }
}

fn file_name(dir: &Path) -> String {
    dir.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "bundle".to_owned())
}

/// What is at `dir` now, and so how the new bundle takes its place.
enum Occupant {
    Nothing,
    EmptyDirectory,
    Bundle,
}

/// A directory is an earlier bundle only when it verifies (its signature aside): a parsed
/// rds-evidence manifest and exactly the files it lists, unchanged. Anything else is someone's
/// and is never replaced, a file named `manifest.json` in it notwithstanding.
fn occupant(dir: &Path) -> Result<Occupant, BundleError> {
    let not_a_bundle = |why: String| BundleError::NotABundle {
        path: dir.to_owned(),
        why,
    };
    match std::fs::metadata(dir) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Occupant::Nothing),
        Err(source) => {
            return Err(BundleError::Read {
                path: dir.to_owned(),
                source,
            })
        }
        Ok(metadata) if !metadata.is_dir() => {
            return Err(not_a_bundle("it is not a directory".to_owned()))
        }
        Ok(_) => {}
    }
    let mut entries = std::fs::read_dir(dir).map_err(|source| BundleError::Read {
        path: dir.to_owned(),
        source,
    })?;
    if entries.next().is_none() {
        return Ok(Occupant::EmptyDirectory);
    }
    let verification = verify(dir, None).map_err(|e| not_a_bundle(e.to_string()))?;
    let problems: Vec<String> = verification
        .problems
        .iter()
        .filter(|p| !p.is_about_the_signature())
        .map(ToString::to_string)
        .collect();
    match problems.as_slice() {
        [] => Ok(Occupant::Bundle),
        [one] => Err(not_a_bundle(one.clone())),
        [first, rest @ ..] => Err(not_a_bundle(format!(
            "{first}, and {} more problem(s)",
            rest.len()
        ))),
    }
}

/// The earlier bundle `dir` would be written inside, if any: a bundle's files are exactly
/// those its manifest lists, so nothing is ever added to one.
fn enclosing_bundle(dir: &Path) -> Option<PathBuf> {
    let dir = std::path::absolute(dir).ok()?;
    let existing = dir.ancestors().find(|a| a.exists())?;
    let resolved = existing
        .canonicalize()
        .ok()?
        .join(dir.strip_prefix(existing).ok()?);
    resolved.ancestors().skip(1).find_map(|ancestor| {
        let bytes = input::read(&ancestor.join(MANIFEST_FILE), input::limits::CONFIG).ok()?;
        let manifest: Manifest = serde_json::from_slice(&bytes).ok()?;
        (manifest.format == FORMAT).then(|| ancestor.to_owned())
    })
}

pub(crate) fn refuse_inside_bundle(dir: &Path) -> Result<(), BundleError> {
    match enclosing_bundle(dir) {
        Some(bundle) => Err(BundleError::InsideBundle {
            path: dir.to_owned(),
            bundle,
        }),
        None => Ok(()),
    }
}

fn ensure_replaceable(dir: &Path) -> Result<(), BundleError> {
    refuse_inside_bundle(dir)?;
    occupant(dir).map(drop)
}

/// Whether a bundle can be written at `dir`, checked before the work that produces it: `dir`
/// is new, empty or a bundle, not inside one, and its nearest existing ancestor is a
/// directory.
pub fn check_destination(dir: &Path) -> Result<(), BundleError> {
    ensure_replaceable(dir)?;
    check_parent(dir)
}

/// The nearest existing ancestor of `dir` is a directory, so that `dir` can be made.
pub(crate) fn check_parent(dir: &Path) -> Result<(), BundleError> {
    match dir.ancestors().skip(1).find(|a| a.exists()) {
        Some(ancestor) if !ancestor.is_dir() => Err(BundleError::CreateDir {
            path: dir.to_owned(),
            source: std::io::Error::other(format!("{} is not a directory", ancestor.display())),
        }),
        _ => Ok(()),
    }
}

/// Whether `name`, beside bundles, is something a run of this tool leaves when it is killed:
/// a staging directory, an earlier bundle moved aside, an unfinished archive or file.
pub(crate) fn is_leftover(name: &str) -> bool {
    name.strip_prefix('.').is_some_and(|rest| {
        rest.starts_with(TEMPORARY_PREFIX)
            || rest.contains(".partial-")
            || rest.contains(".previous-")
    })
}

/// Moves the staged bundle to `dir`. An earlier bundle there is first moved aside, then
/// removed: at every instant `dir` is either the old bundle, absent, or the new one.
fn install(staged: PathBuf, dir: &Path) -> Result<(), BundleError> {
    let install_error = |source| BundleError::Install {
        path: dir.to_owned(),
        source,
    };
    let result = match occupant(dir) {
        Err(error) => Err(error),
        Ok(Occupant::Nothing) => std::fs::rename(&staged, dir).map_err(install_error),
        Ok(Occupant::EmptyDirectory) => std::fs::remove_dir(dir)
            .and_then(|()| std::fs::rename(&staged, dir))
            .map_err(install_error),
        Ok(Occupant::Bundle) => replace(&staged, dir).map_err(install_error),
    };
    if result.is_err() {
        let _ = std::fs::remove_dir_all(&staged);
    }
    result?;
    sync_dir(&parent_of(dir)).map_err(install_error)
}

/// Moves the staged bundle to the first of `dirs` it can take without replacing anything: a
/// rename onto a directory that is not empty fails, so two runs racing for a name each get
/// their own.
fn install_new(staged: PathBuf, dirs: &[PathBuf]) -> Result<PathBuf, BundleError> {
    use std::io::ErrorKind::{AlreadyExists, DirectoryNotEmpty, IsADirectory, NotADirectory};
    for dir in dirs {
        match std::fs::rename(&staged, dir) {
            Ok(()) => {
                return sync_dir(&parent_of(dir))
                    .map(|()| dir.clone())
                    .map_err(|source| BundleError::Install {
                        path: dir.clone(),
                        source,
                    })
            }
            Err(e)
                if matches!(
                    e.kind(),
                    AlreadyExists | DirectoryNotEmpty | IsADirectory | NotADirectory
                ) => {}
            Err(source) => {
                let _ = std::fs::remove_dir_all(&staged);
                return Err(BundleError::Install {
                    path: dir.clone(),
                    source,
                });
            }
        }
    }
    let _ = std::fs::remove_dir_all(&staged);
    Err(BundleError::Install {
        path: dirs.last().cloned().unwrap_or_default(),
        source: std::io::Error::new(AlreadyExists, format!("all {} names are taken", dirs.len())),
    })
}

/// Tidies up after a run killed while writing the bundle at `dir`: its staging directories
/// and unfinished archives are removed, and an earlier bundle that was moved aside but not
/// yet replaced goes back. Only entries named and typed as this tool makes them are touched.
fn recover(dir: &Path, parent: &Path) {
    let name = file_name(dir);
    let (partial, previous) = (format!(".{name}.partial-"), format!(".{name}.previous-"));
    let archive = archive::partial_prefix(&name);
    let Ok(entries) = std::fs::read_dir(parent) else {
        return;
    };
    for entry in entries.flatten() {
        let entry_name = entry.file_name().to_string_lossy().into_owned();
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        if kind.is_file() && entry_name.starts_with(&archive) {
            let _ = std::fs::remove_file(entry.path());
        } else if kind.is_dir() && entry_name.starts_with(&partial) {
            let _ = std::fs::remove_dir_all(entry.path());
        } else if kind.is_dir() && entry_name.starts_with(&previous) {
            let aside = entry.path().join("bundle");
            if aside.is_dir() && !dir.exists() {
                let _ = std::fs::rename(&aside, dir);
            }
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

fn replace(staged: &Path, dir: &Path) -> std::io::Result<()> {
    let aside = tempfile::Builder::new()
        .prefix(&format!(".{}.previous-", file_name(dir)))
        .tempdir_in(parent_of(dir))?;
    let aside_path = aside.path().join("bundle");
    std::fs::rename(dir, &aside_path)?;
    if let Err(error) = std::fs::rename(staged, dir) {
        let _ = std::fs::rename(&aside_path, dir);
        return Err(error);
    }
    drop(aside);
    Ok(())
}

fn sync_dir(dir: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    File::open(dir)?.sync_all()?;
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}

/// The staging directory: writes files, hashing and syncing each, and remembers them for the
/// manifest.
struct Staging {
    root: PathBuf,
    entries: Vec<FileEntry>,
    dirs: Vec<PathBuf>,
    syncer: Syncer,
}

impl Staging {
    fn new(root: &Path) -> Staging {
        Staging {
            root: root.to_owned(),
            entries: Vec::new(),
            dirs: vec![root.to_owned()],
            syncer: Syncer::start(),
        }
    }

    fn contains(&self, relative: &str) -> bool {
        self.entries.iter().any(|e| e.path == relative)
    }

    fn json(&mut self, relative: &str, value: &impl Serialize) -> Result<(), BundleError> {
        self.stream(relative, |out| {
            serde_json::to_writer_pretty(&mut *out, value).map_err(std::io::Error::from)?;
            out.write_all(b"\n")
        })
        .map(drop)
    }

    fn bytes(&mut self, relative: &str, bytes: &[u8]) -> Result<(), BundleError> {
        self.stream(relative, |out| out.write_all(bytes)).map(drop)
    }

    /// A file listed in the manifest, written through `fill`.
    fn stream(
        &mut self,
        relative: &str,
        fill: impl FnOnce(&mut BufWriter<HashingWriter<File>>) -> std::io::Result<()>,
    ) -> Result<&FileEntry, BundleError> {
        let file = self.create(relative)?;
        let written = file.fill(fill)?;
        Ok(self.adopt(written))
    }

    /// [`stream`](Self::stream) for a file only its owner may read: a copy of a partner's
    /// document is as private as the document was.
    fn stream_private(
        &mut self,
        relative: &str,
        fill: impl FnOnce(&mut BufWriter<HashingWriter<File>>) -> std::io::Result<()>,
    ) -> Result<&FileEntry, BundleError> {
        let file = self.create_with(relative, OWNER_ONLY)?;
        let written = file.fill(fill)?;
        Ok(self.adopt(written))
    }

    /// A new file of the bundle, to be filled on any thread and then [`adopt`](Self::adopt)ed.
    fn create(&mut self, relative: &str) -> Result<NewFile, BundleError> {
        self.create_with(relative, READABLE)
    }

    fn create_with(&mut self, relative: &str, mode: u32) -> Result<NewFile, BundleError> {
        let path = self.root.join(relative);
        let write_error = |source| BundleError::Write {
            path: path.clone(),
            source,
        };
        if let Some(dir) = path.parent() {
            if !self.dirs.iter().any(|d| d == dir) {
                std::fs::create_dir_all(dir).map_err(write_error)?;
                self.dirs.push(dir.to_owned());
            }
        }
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create(true).truncate(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, mode);
        #[cfg(not(unix))]
        let _ = mode;
        let file = options.open(&path).map_err(write_error)?;
        Ok(NewFile {
            relative: relative.to_owned(),
            path,
            file,
        })
    }

    /// Lists a filled file in the manifest and hands it to the syncer.
    fn adopt(&mut self, written: WrittenFile) -> &FileEntry {
        self.syncer.sync(written.path, written.file);
        self.entries.push(written.entry);
        self.entries.last().expect("just pushed")
    }

    /// A file outside the manifest (the manifest itself, its signature, the public key).
    fn raw(&mut self, relative: &str, bytes: &[u8]) -> Result<(), BundleError> {
        let path = self.root.join(relative);
        let write_error = |source| BundleError::Write {
            path: path.clone(),
            source,
        };
        let mut file = File::create(&path).map_err(write_error)?;
        file.write_all(bytes).map_err(write_error)?;
        file.sync_all().map_err(write_error)
    }

    fn finish(&self) -> Vec<FileEntry> {
        let mut entries = self.entries.clone();
        entries.sort();
        entries
    }

    /// Waits until every file is on disk, then syncs the directories that list them.
    fn sync_dirs(self) -> Result<(), BundleError> {
        self.syncer.wait()?;
        for dir in &self.dirs {
            sync_dir(dir).map_err(|source| BundleError::Write {
                path: dir.clone(),
                source,
            })?;
        }
        Ok(())
    }
}

struct NewFile {
    relative: String,
    path: PathBuf,
    file: File,
}

struct WrittenFile {
    path: PathBuf,
    file: File,
    entry: FileEntry,
}

impl NewFile {
    fn fill(
        self,
        fill: impl FnOnce(&mut BufWriter<HashingWriter<File>>) -> std::io::Result<()>,
    ) -> Result<WrittenFile, BundleError> {
        let NewFile {
            relative,
            path,
            file,
        } = self;
        let write_error = |source| BundleError::Write {
            path: path.clone(),
            source,
        };
        // Buffer first, hash the buffer's chunks: serializers write in many small pieces.
        let mut out = BufWriter::new(HashingWriter::new(file));
        fill(&mut out).map_err(write_error)?;
        let hashed = out.into_inner().map_err(|e| write_error(e.into_error()))?;
        let (file, entry) = hashed.finish(&relative);
        Ok(WrittenFile { path, file, entry })
    }
}

/// Syncs each finished file to disk on a thread of its own while the next file is rendered:
/// rendering is CPU, syncing is waiting on the disk, and the bundle of a large estate is
/// hundreds of megabytes. The first failure is kept and reported by [`Syncer::wait`].
struct Syncer {
    files: mpsc::Sender<(PathBuf, File)>,
    worker: JoinHandle<Result<(), BundleError>>,
}

impl Syncer {
    fn start() -> Syncer {
        let (files, finished) = mpsc::channel::<(PathBuf, File)>();
        let worker = std::thread::spawn(move || {
            for (path, file) in finished {
                file.sync_all()
                    .map_err(|source| BundleError::Write { path, source })?;
            }
            Ok(())
        });
        Syncer { files, worker }
    }

    fn sync(&self, path: PathBuf, file: File) {
        // A closed channel means the worker stopped at a failure, which `wait` reports.
        let _ = self.files.send((path, file));
    }

    fn wait(self) -> Result<(), BundleError> {
        drop(self.files);
        self.worker
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
    }
}

/// Hashes and counts what passes through, so no file is read back to be hashed.
pub(crate) struct HashingWriter<W> {
    inner: W,
    hasher: Sha256,
    bytes: u64,
}

impl<W: Write> HashingWriter<W> {
    pub(crate) fn new(inner: W) -> Self {
        HashingWriter {
            inner,
            hasher: Sha256::new(),
            bytes: 0,
        }
    }

    pub(crate) fn digest(self) -> String {
        hex::encode(self.hasher.finalize())
    }
}

impl HashingWriter<File> {
    fn finish(self, relative: &str) -> (File, FileEntry) {
        let entry = FileEntry {
            path: relative.to_owned(),
            sha256: hex::encode(self.hasher.finalize()),
            bytes: self.bytes,
        };
        (self.inner, entry)
    }
}

impl<W: Write> Write for HashingWriter<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let written = self.inner.write(buf)?;
        self.hasher.update(&buf[..written]);
        self.bytes += written as u64;
        Ok(written)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_from_data_stay_inside_the_bundle() {
        assert_eq!(safe_name("us-east-1"), "us-east-1");
        assert_eq!(safe_name("../../etc/passwd"), "_.._etc_passwd");
        assert_eq!(safe_name("run book.pdf"), "run_book.pdf");
    }

    #[test]
    fn leftovers_of_a_killed_run_are_tidied_and_a_moved_bundle_restored() {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("b");
        let staged = root.path().join(".b.partial-x1");
        std::fs::create_dir_all(&staged).unwrap();
        std::fs::write(staged.join(MANIFEST_FILE), "{}").unwrap();
        let aside = root.path().join(".b.previous-y2/bundle");
        std::fs::create_dir_all(&aside).unwrap();
        std::fs::write(aside.join(MANIFEST_FILE), "earlier").unwrap();
        // A killed --archive, and files of the user's with names alike.
        std::fs::write(root.path().join(".b.tar.gz.partial-z3"), "half a gzip").unwrap();
        for kept in [
            "b.tar.gz.partial-z3",
            ".c.tar.gz.partial-z3",
            ".b.partial-notes",
        ] {
            std::fs::write(root.path().join(kept), "mine").unwrap();
        }
        recover(&dir, root.path());
        assert_eq!(
            std::fs::read_to_string(dir.join(MANIFEST_FILE)).unwrap(),
            "earlier"
        );
        let mut names: Vec<_> = std::fs::read_dir(root.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        names.sort();
        assert_eq!(
            names,
            [
                ".b.partial-notes",
                ".c.tar.gz.partial-z3",
                "b",
                "b.tar.gz.partial-z3"
            ]
        );
    }

    /// A failure half-way (here an attested document gone before it could be copied; a full
    /// disk takes the same path) leaves neither a bundle nor its staging directory.
    #[test]
    fn a_failure_while_writing_leaves_nothing() {
        let mut demo = crate::testing::Demo::load();
        let document = demo
            .attestations
            .controls
            .values_mut()
            .flat_map(|a| a.documents.iter_mut())
            .find(|d| d.sha256.is_some())
            .unwrap();
        document.local_path = Some(PathBuf::from("/nonexistent/dr-runbook.pdf"));
        let root = tempfile::tempdir().unwrap();
        let options = BundleOptions {
            created_at: "2026-11-29T00:00:00Z".to_owned(),
            inputs: Inputs::default(),
            signing_key: None,
            trend: None,
        };
        let result = write_bundle(
            &root.path().join("b"),
            Input::Evaluated(demo.contents()),
            &options,
        );
        let err = result.unwrap_err().to_string();
        assert!(err.contains("/nonexistent/dr-runbook.pdf"), "{err}");
        assert_eq!(std::fs::read_dir(root.path()).unwrap().count(), 0);
    }

    #[test]
    fn a_directory_that_is_not_a_bundle_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("thesis.docx"), "mine").unwrap();
        let err = ensure_replaceable(dir.path()).unwrap_err().to_string();
        assert!(err.contains("not an rds-evidence bundle"), "{err}");
        assert!(ensure_replaceable(&dir.path().join("new")).is_ok());
    }
}
