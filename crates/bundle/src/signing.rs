//! Ed25519 signatures over `manifest.json`, in formats OpenSSL reads.
//!
//! The manifest lists the SHA-256 of every other file, so signing it signs the bundle. The
//! secret key is PKCS#8 PEM, the public key SPKI PEM, and `manifest.json.sig` the raw 64-byte
//! signature: `openssl pkeyutl -verify -pubin -inkey signing-key.pub.pem -rawin -in
//! manifest.json -sigfile manifest.json.sig` checks a bundle without this tool.

use std::path::{Path, PathBuf};

use ed25519_dalek::pkcs8::spki::der::pem::LineEnding;
use ed25519_dalek::pkcs8::{DecodePrivateKey, DecodePublicKey, EncodePrivateKey, EncodePublicKey};
use ed25519_dalek::{Signature, Signer};
pub use ed25519_dalek::{SigningKey, VerifyingKey};
use rds_evidence_inventory::input;
use sha2::{Digest, Sha256};
use thiserror::Error;

#[derive(Debug, Error)]
pub enum KeyError {
    #[error("cannot read key {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}: not an Ed25519 {what} in PEM form (make one with `rds-evidence keygen`)")]
    Malformed { path: PathBuf, what: &'static str },
    #[error("cannot write key {path}: {source}")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path} already exists; refusing to overwrite a key")]
    Exists { path: PathBuf },
    #[error("no randomness from the operating system: {0}")]
    Randomness(String),
}

/// A new key pair from the operating system's randomness.
pub fn generate() -> Result<SigningKey, KeyError> {
    let mut seed = [0u8; 32];
    getrandom::fill(&mut seed).map_err(|e| KeyError::Randomness(e.to_string()))?;
    Ok(SigningKey::from_bytes(&seed))
}

/// Writes the secret key to `path` (owner-only) and the public key to `path.pub.pem`.
/// Returns the public key's path. Existing files are never overwritten.
pub fn write_key_pair(key: &SigningKey, path: &Path) -> Result<PathBuf, KeyError> {
    let public_path = public_key_path(path);
    for existing in [path, public_path.as_path()] {
        if existing.exists() {
            return Err(KeyError::Exists {
                path: existing.to_owned(),
            });
        }
    }
    let secret = key
        .to_pkcs8_pem(LineEnding::LF)
        .map_err(|_| KeyError::Malformed {
            path: path.to_owned(),
            what: "secret key",
        })?;
    write_new_file(path, secret.as_bytes(), 0o600)?;
    write_new_file(
        &public_path,
        public_key_pem(&key.verifying_key()).as_bytes(),
        0o644,
    )?;
    Ok(public_path)
}

/// Where `keygen` puts the public half of the key at `secret`.
pub fn public_key_path(secret: &Path) -> PathBuf {
    let mut name = secret.as_os_str().to_owned();
    name.push(".pub.pem");
    PathBuf::from(name)
}

pub fn read_signing_key(path: &Path) -> Result<SigningKey, KeyError> {
    let text = read_text(path)?;
    SigningKey::from_pkcs8_pem(&text).map_err(|_| KeyError::Malformed {
        path: path.to_owned(),
        what: "secret key",
    })
}

pub fn read_verifying_key(path: &Path) -> Result<VerifyingKey, KeyError> {
    let text = read_text(path)?;
    parse_verifying_key(&text).ok_or_else(|| KeyError::Malformed {
        path: path.to_owned(),
        what: "public key",
    })
}

pub(crate) fn parse_verifying_key(pem: &str) -> Option<VerifyingKey> {
    VerifyingKey::from_public_key_pem(pem).ok()
}

pub(crate) fn public_key_pem(key: &VerifyingKey) -> String {
    key.to_public_key_pem(LineEnding::LF)
        .expect("an Ed25519 public key always encodes")
}

/// A short, stable name for a public key: the first 16 hex digits of its SHA-256.
pub fn fingerprint(key: &VerifyingKey) -> String {
    hex::encode(&Sha256::digest(key.as_bytes())[..8])
}

pub(crate) fn sign(key: &SigningKey, message: &[u8]) -> [u8; 64] {
    key.sign(message).to_bytes()
}

pub(crate) fn signature_holds(key: &VerifyingKey, message: &[u8], signature: &[u8]) -> bool {
    let Ok(bytes) = <[u8; 64]>::try_from(signature) else {
        return false;
    };
    key.verify_strict(message, &Signature::from_bytes(&bytes))
        .is_ok()
}

fn read_text(path: &Path) -> Result<String, KeyError> {
    input::read_to_string(path, input::limits::CONFIG).map_err(|source| KeyError::Read {
        path: path.to_owned(),
        source,
    })
}

fn write_new_file(path: &Path, bytes: &[u8], mode: u32) -> Result<(), KeyError> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, mode);
    #[cfg(not(unix))]
    let _ = mode;
    let write_error = |source| KeyError::Write {
        path: path.to_owned(),
        source,
    };
    let mut file = options.open(path).map_err(write_error)?;
    file.write_all(bytes).map_err(write_error)?;
    file.sync_all().map_err(write_error)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_pair_round_trips_and_signs() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("bundle.key");
        let key = generate().unwrap();
        let public_path = write_key_pair(&key, &path).unwrap();
        let secret = read_signing_key(&path).unwrap();
        let public = read_verifying_key(&public_path).unwrap();
        assert_eq!(public, key.verifying_key());
        let signature = sign(&secret, b"manifest");
        assert!(signature_holds(&public, b"manifest", &signature));
        assert!(!signature_holds(&public, b"manifest!", &signature));
        assert!(!signature_holds(&public, b"manifest", &signature[..63]));
    }

    #[cfg(unix)]
    #[test]
    fn secret_key_is_owner_only_and_never_overwritten() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("bundle.key");
        write_key_pair(&generate().unwrap(), &path).unwrap();
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
        let again = write_key_pair(&generate().unwrap(), &path).unwrap_err();
        assert!(matches!(again, KeyError::Exists { .. }), "{again}");
    }

    #[test]
    fn a_public_key_is_not_a_secret_key() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("bundle.key");
        let public_path = write_key_pair(&generate().unwrap(), &path).unwrap();
        let err = read_signing_key(&public_path).unwrap_err().to_string();
        assert!(err.contains("not an Ed25519 secret key"), "{err}");
    }
}
