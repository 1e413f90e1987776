//! What must never reach a recording: credentials and signatures (always removed) and, with
//! `--anonymize`, the account ids (replaced by stable placeholders).

use std::collections::BTreeSet;
use std::sync::{LazyLock, Mutex};

use regex::Regex;
use sha2::{Digest, Sha256};

static ACCESS_KEY_ID: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\b(?:AKIA|ASIA)[A-Z0-9]{16}\b").expect("valid regex"));
static SECRET_XML: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"<(SecretAccessKey|SessionToken|Password|MasterUserPassword|SecretString|SecretBinary)>[^<]*<")
        .expect("valid regex")
});
static SECRET_JSON: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#""(SecretAccessKey|SessionToken|Password|MasterUserPassword|SecretString|SecretBinary)"\s*:\s*"(?:[^"\\]|\\.)*""#)
        .expect("valid regex")
});
static URL_SECRET: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(X-Amz-Signature|X-Amz-Security-Token|X-Amz-Credential|Signature)=[^&\s<>'\x22]+")
        .expect("valid regex")
});

/// Removes credentials and signatures from a response body or request parameter.
pub fn scrub_secrets(text: &str) -> String {
    let text = ACCESS_KEY_ID.replace_all(text, "REDACTED-ACCESS-KEY-ID");
    let text = SECRET_XML.replace_all(&text, "<$1>REDACTED<");
    let text = SECRET_JSON.replace_all(&text, "\"$1\":\"REDACTED\"");
    URL_SECRET.replace_all(&text, "$1=REDACTED").into_owned()
}

static ARN_ACCOUNT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"arn:aws[a-z-]*:[a-z0-9-]*:[a-z0-9-]*:([0-9]{12}):").expect("valid regex")
});
static FIELD_ACCOUNT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r#"(?:<(?:Account|OwnerId|ownerId|UserId|userId|AttributeValue|CustomerAwsId)>|"(?:Account|AccountId|OwnerId|AWSAccountId|AwsAccountId)"\s*:\s*")([0-9]{12})[<"]"#,
    )
    .expect("valid regex")
});

/// Replaces account ids with placeholders derived from them: the same id always becomes the
/// same placeholder, so references between recorded responses still line up.
#[derive(Debug, Default)]
pub struct Anonymizer {
    known: Mutex<BTreeSet<String>>,
}

impl Anonymizer {
    /// Remembers the account ids `text` shows in ARNs and account fields.
    pub fn learn(&self, text: &str) {
        let mut known = self.known.lock().unwrap_or_else(|p| p.into_inner());
        for regex in [&*ARN_ACCOUNT, &*FIELD_ACCOUNT] {
            for captures in regex.captures_iter(text) {
                known.insert(captures[1].to_owned());
            }
        }
    }

    /// `text` with every known account id, as a whole number, replaced.
    pub fn apply(&self, text: &str) -> String {
        let known = self.known.lock().unwrap_or_else(|p| p.into_inner());
        let mut text = text.to_owned();
        for id in known.iter() {
            text = replace_whole_number(&text, id, &placeholder(id));
        }
        text
    }
}

/// `0000` and eight digits of the id's hash: recognisable as a placeholder, stable across runs.
pub fn placeholder(account_id: &str) -> String {
    let digest = Sha256::digest(account_id.as_bytes());
    let number = u64::from_be_bytes(digest[..8].try_into().expect("8 bytes")) % 100_000_000;
    format!("0000{number:08}")
}

fn replace_whole_number(text: &str, number: &str, with: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(number) {
        let before = rest[..at].chars().next_back();
        let after = rest[at + number.len()..].chars().next();
        out.push_str(&rest[..at]);
        if before.is_some_and(|c| c.is_ascii_digit()) || after.is_some_and(|c| c.is_ascii_digit()) {
            out.push_str(number);
        } else {
            out.push_str(with);
        }
        rest = &rest[at + number.len()..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_and_signatures_are_removed() {
        let xml = "<Credentials><AccessKeyId>ASIAABCDEFGHIJKLMNOP</AccessKeyId>\
                   <SecretAccessKey>wJalr/XUtnFEMI</SecretAccessKey><SessionToken>FQoG+x=</SessionToken></Credentials>";
        let clean = scrub_secrets(xml);
        assert!(!clean.contains("ASIAABCDEFGHIJKLMNOP"));
        assert!(!clean.contains("wJalr") && !clean.contains("FQoG"));
        let json = r#"{"SecretString":"hunter2 \"quoted\"","Name":"db"}"#;
        assert_eq!(
            scrub_secrets(json),
            r#"{"SecretString":"REDACTED","Name":"db"}"#
        );
        let url = "https://x/?X-Amz-Signature=abcdef0123&X-Amz-Security-Token=tok%2F&a=1";
        assert_eq!(
            scrub_secrets(url),
            "https://x/?X-Amz-Signature=REDACTED&X-Amz-Security-Token=REDACTED&a=1"
        );
    }

    #[test]
    fn account_ids_become_stable_placeholders_everywhere_they_appear() {
        let anonymizer = Anonymizer::default();
        anonymizer
            .learn("<Arn>arn:aws:iam::123456789012:user/moto</Arn><Account>210987654321</Account>");
        let text = "arn:aws:rds:us-east-1:123456789012:db:x owner 210987654321 size 1234567890123";
        let out = anonymizer.apply(text);
        let (a, b) = (placeholder("123456789012"), placeholder("210987654321"));
        assert_eq!(
            out,
            format!("arn:aws:rds:us-east-1:{a}:db:x owner {b} size 1234567890123")
        );
        assert!(a.starts_with("0000") && a.len() == 12);
        assert_eq!(placeholder("123456789012"), a, "stable");
    }
}
