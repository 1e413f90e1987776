//! Where scheduled runs keep their bundles: a local directory, or the partner's own S3 bucket
//! mirrored through a local cache. The S3 store is the one place the tool writes to AWS, with
//! the partner's identity, never the customer's read-only role.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Context;
use aws_sdk_s3::primitives::ByteStream;
use aws_sdk_s3::types::ChecksumAlgorithm;
use futures::{stream, StreamExt, TryStreamExt};
use rds_evidence_history::{IndexEntry, Store};
use rds_evidence_inventory::input;

/// The IAM actions the S3 store needs; nothing else is called on the partner's bucket.
pub const STORE_ACTIONS: &[&str] = &[
    "s3:GetBucketObjectLockConfiguration",
    "s3:GetObject",
    "s3:ListBucket",
    "s3:PutObject",
];

/// Transfers at once between the cache and the bucket.
const TRANSFERS: usize = 8;

/// Whether an upload may replace an object: the index and portfolio are rewritten, bundles
/// never.
#[derive(Clone, Copy)]
enum Overwrite {
    Never,
    Allowed,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoreLocation {
    Local(PathBuf),
    S3 { bucket: String, prefix: String },
}

impl std::str::FromStr for StoreLocation {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        let Some(rest) = text.strip_prefix("s3://") else {
            if text.is_empty() {
                return Err("the store is empty: give a directory or s3://BUCKET/PREFIX".into());
            }
            return Ok(StoreLocation::Local(PathBuf::from(text)));
        };
        let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
        let valid_bucket = (3..=63).contains(&bucket.len())
            && bucket
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '.');
        if !valid_bucket {
            return Err(format!(
                "{text}: `{bucket}` is not an S3 bucket name (3–63 lowercase letters, digits, \
                 dots and hyphens)"
            ));
        }
        Ok(StoreLocation::S3 {
            bucket: bucket.to_owned(),
            prefix: prefix.trim_matches('/').to_owned(),
        })
    }
}

/// How to reach the partner's bucket.
pub struct StoreAccess<'a> {
    /// The account that owns the bucket: every request says so (`ExpectedBucketOwner`), and S3
    /// refuses it when a bucket of that name belongs to another account.
    pub bucket_owner: Option<&'a str>,
    pub profile: Option<&'a str>,
    pub endpoint_url: Option<&'a str>,
    /// The bucket's region; default: the environment's or profile's, else us-east-1.
    pub region: Option<&'a str>,
    /// Where an S3 store is mirrored locally; defaults under the user's cache directory.
    pub cache: Option<&'a Path>,
}

/// An open store: the local directory bundles are read from and written to, and for an S3
/// store the bucket it mirrors.
pub struct OpenStore {
    pub store: Store,
    bucket: Option<Bucket>,
}

struct Bucket {
    client: aws_sdk_s3::Client,
    name: String,
    /// `ExpectedBucketOwner` of every request.
    owner: String,
    prefix: String,
    runtime: tokio::runtime::Runtime,
}

impl OpenStore {
    /// Opens the store; an S3 store is first brought into its local mirror, so that every
    /// bundle read is verified from the same bytes the bucket holds.
    pub fn open(location: &StoreLocation, access: &StoreAccess) -> anyhow::Result<OpenStore> {
        match location {
            StoreLocation::Local(dir) => Ok(OpenStore {
                store: Store::open(dir)?,
                bucket: None,
            }),
            StoreLocation::S3 { bucket, prefix } => {
                let owner = access.bucket_owner.with_context(|| {
                    format!(
                        "--store s3://{bucket}: give --store-bucket-owner ACCOUNT_ID, the account \
                         that owns the bucket (S3 then refuses every request to a bucket of that \
                         name in another account)"
                    )
                })?;
                let cache = match access.cache {
                    Some(dir) => dir.to_owned(),
                    None => default_cache(bucket, prefix)?,
                };
                let runtime = tokio::runtime::Builder::new_multi_thread()
                    .enable_all()
                    .build()
                    .context("cannot start the async runtime")?;
                let client = runtime.block_on(s3_client(access));
                let bucket = Bucket {
                    client,
                    name: bucket.clone(),
                    owner: owner.to_owned(),
                    prefix: prefix.clone(),
                    runtime,
                };
                if let Some(rule) = bucket.object_lock()? {
                    println!(
                        "Store s3://{}/{}: Object Lock {rule}",
                        bucket.name, bucket.prefix
                    );
                }
                let pulled = bucket.pull(&cache)?;
                tracing::info!(
                    "store s3://{}/{}: {pulled} object(s) brought into {}",
                    bucket.name,
                    bucket.prefix,
                    cache.display()
                );
                Ok(OpenStore {
                    store: Store::open(&cache)?,
                    bucket: Some(bucket),
                })
            }
        }
    }

    /// Records a bundle written into the store, and for an S3 store uploads it, then the
    /// index: a reader of the bucket never finds an index entry without its bundle.
    pub fn record(&self, bundle_dir: &Path) -> anyhow::Result<IndexEntry> {
        let entry = self.store.record(bundle_dir)?;
        if let Some(bucket) = &self.bucket {
            let root = self.store.root();
            let mut files = files_under(bundle_dir)?;
            files.retain(|f| f.file_name().is_some_and(|n| n != "index.json"));
            bucket.push(root, &files, Overwrite::Never)?;
            bucket.push(root, &[root.join("index.json")], Overwrite::Allowed)?;
        }
        Ok(entry)
    }

    /// Writes a file at the store's root (the portfolio), and uploads it for an S3 store.
    pub fn put(&self, name: &str, contents: &[u8]) -> anyhow::Result<()> {
        let path = self.store.root().join(name);
        std::fs::create_dir_all(self.store.root())
            .with_context(|| format!("creating {}", self.store.root().display()))?;
        let staging = self.store.root().join(format!(".{name}.partial"));
        std::fs::write(&staging, contents)
            .and_then(|()| std::fs::rename(&staging, &path))
            .with_context(|| format!("writing {}", path.display()))?;
        if let Some(bucket) = &self.bucket {
            bucket.push(self.store.root(), &[path], Overwrite::Allowed)?;
        }
        Ok(())
    }
}

impl Bucket {
    fn key(&self, relative: &str) -> String {
        if self.prefix.is_empty() {
            relative.to_owned()
        } else {
            format!("{}/{relative}", self.prefix)
        }
    }

    /// The bucket's Object Lock default retention, described; `None` without Object Lock.
    /// Objects take that retention as they are written: the store never shortens it, never
    /// overwrites a bundle and never deletes.
    fn object_lock(&self) -> anyhow::Result<Option<String>> {
        let result = self.runtime.block_on(
            self.client
                .get_object_lock_configuration()
                .bucket(&self.name)
                .expected_bucket_owner(&self.owner)
                .send(),
        );
        let output = match result {
            Ok(output) => output,
            Err(e)
                if e.as_service_error()
                    .and_then(aws_sdk_s3::error::ProvideErrorMetadata::code)
                    == Some("ObjectLockConfigurationNotFoundError") =>
            {
                return Ok(None)
            }
            Err(e) => return Err(s3_error("reading the Object Lock rule of", &self.name, e)),
        };
        let Some(config) = output.object_lock_configuration() else {
            return Ok(None);
        };
        let retention = config.rule().and_then(|r| r.default_retention()).map(|d| {
            let mode = d.mode().map(|m| m.as_str()).unwrap_or("?");
            match (d.days(), d.years()) {
                (Some(days), _) => format!("{mode} for {days} day(s)"),
                (None, Some(years)) => format!("{mode} for {years} year(s)"),
                (None, None) => mode.to_owned(),
            }
        });
        Ok(Some(match retention {
            Some(retention) => format!("on: new bundles are retained {retention}"),
            None => "on, with no default retention".to_owned(),
        }))
    }

    /// Downloads every object under the prefix that the cache lacks or holds at another
    /// size. Bundles are never rewritten in place, so size tells a stale copy; the index is
    /// always fetched again.
    fn pull(&self, cache: &Path) -> anyhow::Result<usize> {
        self.runtime.block_on(async {
            let list_prefix = if self.prefix.is_empty() {
                String::new()
            } else {
                format!("{}/", self.prefix)
            };
            let mut pages = self
                .client
                .list_objects_v2()
                .bucket(&self.name)
                .expected_bucket_owner(&self.owner)
                .prefix(&list_prefix)
                .into_paginator()
                .send();
            let mut wanted = Vec::new();
            while let Some(page) = pages.next().await {
                let page = page.map_err(|e| s3_error("listing", &self.name, e))?;
                for object in page.contents() {
                    let Some(key) = object.key() else { continue };
                    let relative = key.strip_prefix(&list_prefix).unwrap_or(key);
                    if relative
                        .split('/')
                        .any(|part| part.is_empty() || part.starts_with('.') || part == "..")
                    {
                        continue;
                    }
                    let local = cache.join(relative);
                    let size = object.size().unwrap_or(-1);
                    let cached = std::fs::metadata(&local).map(|m| m.len() as i64).ok();
                    if relative == "index.json" || cached != Some(size) {
                        wanted.push((key.to_owned(), local));
                    }
                }
            }
            let count = wanted.len();
            stream::iter(wanted)
                .map(|(key, local)| self.download(key, local))
                .buffer_unordered(TRANSFERS)
                .try_collect::<Vec<()>>()
                .await?;
            Ok(count)
        })
    }

    /// Streams an object to its place in the cache, never more than a stored file may hold.
    async fn download(&self, key: String, local: PathBuf) -> anyhow::Result<()> {
        let mut object = self
            .client
            .get_object()
            .bucket(&self.name)
            .expected_bucket_owner(&self.owner)
            .key(&key)
            .send()
            .await
            .map_err(|e| s3_error("reading", &format!("{}/{key}", self.name), e))?;
        if let Some(parent) = local.parent() {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("creating {}", parent.display()))?;
        }
        let staging = local.with_extension("partial-download");
        let written = async {
            let mut file = std::fs::File::create(&staging)?;
            let mut size = 0u64;
            while let Some(chunk) = object
                .body
                .try_next()
                .await
                .map_err(std::io::Error::other)?
            {
                size += chunk.len() as u64;
                if size > input::limits::EVIDENCE {
                    return Err(std::io::Error::new(
                        std::io::ErrorKind::FileTooLarge,
                        format!(
                            "larger than the {} bytes a stored file may hold",
                            input::limits::EVIDENCE
                        ),
                    ));
                }
                file.write_all(&chunk)?;
            }
            file.sync_all()?;
            std::fs::rename(&staging, &local)
        }
        .await;
        if let Err(error) = written {
            let _ = std::fs::remove_file(&staging);
            return Err(anyhow::Error::new(error)).with_context(|| {
                format!("reading s3://{}/{key} into {}", self.name, local.display())
            });
        }
        Ok(())
    }

    /// Uploads `files` (under `root`) to their keys, each with its SHA-256 checksum, which a
    /// bucket with Object Lock requires and S3 checks on arrival. A bundle's files are written
    /// only where no object is (`If-None-Match: *`), so a stored bundle is never overwritten,
    /// even by a job on another machine.
    fn push(&self, root: &Path, files: &[PathBuf], overwrite: Overwrite) -> anyhow::Result<()> {
        self.runtime.block_on(async {
            stream::iter(files)
                .map(|file| async move {
                    let relative = file
                        .strip_prefix(root)
                        .with_context(|| format!("{} is outside the store", file.display()))?;
                    let relative = relative
                        .components()
                        .map(|c| c.as_os_str().to_string_lossy())
                        .collect::<Vec<_>>()
                        .join("/");
                    let key = self.key(&relative);
                    let body = ByteStream::from_path(file)
                        .await
                        .with_context(|| format!("reading {}", file.display()))?;
                    let request = self
                        .client
                        .put_object()
                        .bucket(&self.name)
                        .expected_bucket_owner(&self.owner)
                        .key(&key)
                        .checksum_algorithm(ChecksumAlgorithm::Sha256)
                        .body(body);
                    let request = match overwrite {
                        Overwrite::Never => request.if_none_match("*"),
                        Overwrite::Allowed => request,
                    };
                    request.send().await.map_err(|e| {
                        let taken = e.raw_response().is_some_and(|r| r.status().as_u16() == 412);
                        if taken {
                            anyhow::anyhow!(
                                "store: s3://{}/{key} already exists (another job stored a \
                                 bundle of this account observed at the same second); a stored \
                                 bundle is never overwritten, so this one was not uploaded",
                                self.name
                            )
                        } else {
                            s3_error("writing", &format!("{}/{key}", self.name), e)
                        }
                    })?;
                    anyhow::Ok(())
                })
                .buffer_unordered(TRANSFERS)
                .try_collect::<Vec<()>>()
                .await
                .map(drop)
        })
    }
}

async fn s3_client(access: &StoreAccess<'_>) -> aws_sdk_s3::Client {
    let mut loader = aws_config::defaults(aws_config::BehaviorVersion::latest());
    if let Some(profile) = access.profile {
        loader = loader.profile_name(profile);
    }
    if let Some(url) = access.endpoint_url {
        loader = loader.endpoint_url(url);
    }
    if let Some(region) = access.region {
        loader = loader.region(aws_config::Region::new(region.to_owned()));
    }
    let mut config = loader.load().await;
    if config.region().is_none() {
        config = config
            .into_builder()
            .region(aws_config::Region::from_static("us-east-1"))
            .build();
    }
    aws_sdk_s3::Client::from_conf(
        aws_sdk_s3::config::Builder::from(&config)
            // An emulator's host name does not resolve bucket subdomains.
            .force_path_style(access.endpoint_url.is_some())
            .build(),
    )
}

fn s3_error<E>(doing: &str, what: &str, error: aws_sdk_s3::error::SdkError<E>) -> anyhow::Error
where
    E: std::error::Error + Send + Sync + 'static,
{
    let detail = rds_evidence_collector::error_chain(&error);
    anyhow::anyhow!(
        "store: {doing} s3://{what} failed: {detail} (the run's own identity needs {} on the bucket)",
        STORE_ACTIONS.join(", ")
    )
}

fn default_cache(bucket: &str, prefix: &str) -> anyhow::Result<PathBuf> {
    let base = std::env::var_os("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".cache")))
        .context("no cache directory: set --store-cache, XDG_CACHE_HOME or HOME")?;
    let mut dir = base.join("rds-evidence").join("store").join(bucket);
    if !prefix.is_empty() {
        dir = dir.join(prefix);
    }
    Ok(dir)
}

fn files_under(dir: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    let mut pending = vec![dir.to_owned()];
    while let Some(dir) = pending.pop() {
        for entry in
            std::fs::read_dir(&dir).with_context(|| format!("reading {}", dir.display()))?
        {
            let entry = entry?;
            let path = entry.path();
            if entry.file_type()?.is_dir() {
                pending.push(path);
            } else {
                files.push(path);
            }
        }
    }
    files.sort();
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locations() {
        assert_eq!(
            "s3://partner-evidence/rds/prod/".parse(),
            Ok(StoreLocation::S3 {
                bucket: "partner-evidence".into(),
                prefix: "rds/prod".into()
            })
        );
        assert_eq!(
            "s3://partner-evidence".parse(),
            Ok(StoreLocation::S3 {
                bucket: "partner-evidence".into(),
                prefix: String::new()
            })
        );
        assert_eq!(
            "/var/lib/rds-evidence".parse(),
            Ok(StoreLocation::Local("/var/lib/rds-evidence".into()))
        );
        let bad = "s3://Not_A_Bucket/x".parse::<StoreLocation>().unwrap_err();
        assert!(bad.contains("not an S3 bucket name"), "{bad}");
        assert!("".parse::<StoreLocation>().is_err());
    }
}
