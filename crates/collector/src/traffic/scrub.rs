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
/// An XML element or JSON member whose name speaks of an account or owner (`<OwnerId>`,
/// `"AccountId"`, `<AWSAccountId>`), or that lists principals by id (`<UserId>`, snapshot
/// restore `<AttributeValue>`s), holding a 12-digit number.
static FIELD_ACCOUNT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r#"(?:<(?:\w*(?i:account|owner)\w*|UserId|userId|AttributeValue|CustomerAwsId)>\s*|"\w*(?i:account|owner)\w*"\s*:\s*")([0-9]{12})\s*[<"]"#,
    )
    .expect("valid regex")
});
/// Where a policy names accounts: `"AWS"` principals (bare ids, ARNs, or lists of them) and
/// condition keys about accounts or owners (`aws:SourceAccount`, `kms:CallerAccount`,
/// `aws:SourceOwner`, `aws:PrincipalAccount`…), with the value or list that follows.
static POLICY_ACCOUNTS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r#""(?:(?i:aws)|[A-Za-z0-9-]+:[A-Za-z0-9]*(?i:account|owner)[A-Za-z0-9]*)"\s*:\s*(\[[^\]]*\]|"[^"]*")"#,
    )
    .expect("valid regex")
});
static TWELVE_DIGITS: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\b[0-9]{12}\b").expect("valid regex"));

/// Replaces account ids with placeholders derived from them: the same id always becomes the
/// same placeholder, so references between recorded responses still line up.
#[derive(Debug, Default)]
pub struct Anonymizer {
    known: Mutex<BTreeSet<String>>,
}

impl Anonymizer {
    /// Remembers the account ids `text` shows: in ARNs, account and owner fields, policy
    /// principals and account conditions, also where they are URL-encoded (IAM's policy
    /// documents), escaped in a JSON string (a key policy inside a response) or XML-escaped.
    pub fn learn(&self, text: &str) {
        let mut known = self.known.lock().unwrap_or_else(|p| p.into_inner());
        for view in decoded_views(text) {
            for regex in [&*ARN_ACCOUNT, &*FIELD_ACCOUNT] {
                for captures in regex.captures_iter(&view) {
                    known.insert(captures[1].to_owned());
                }
            }
            for captures in POLICY_ACCOUNTS.captures_iter(&view) {
                for id in TWELVE_DIGITS.find_iter(&captures[1]) {
                    known.insert(id.as_str().to_owned());
                }
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

/// `text`, then `text` with one more layer of encoding taken off (XML entities, URL encoding,
/// JSON string escapes), until nothing changes: a policy can be URL-encoded inside XML, or a
/// JSON string inside JSON inside JSON. Views for finding ids, never written.
fn decoded_views(text: &str) -> Vec<String> {
    let mut views = vec![text.to_owned()];
    for _ in 0..4 {
        let last = views.last().expect("one view at least");
        let unescaped = last
            .replace("&quot;", "\"")
            .replace("&#34;", "\"")
            .replace("&#x22;", "\"")
            .replace("&amp;", "&")
            .replace('\\', "");
        let decoded = percent_encoding::percent_decode_str(&unescaped)
            .decode_utf8_lossy()
            .into_owned();
        if &decoded == last {
            break;
        }
        views.push(decoded);
    }
    views
}

/// `0000` and eight digits of the id's hash: recognisable as a placeholder, stable across runs.
pub fn placeholder(account_id: &str) -> String {
    let digest = Sha256::digest(account_id.as_bytes());
    let number = u64::from_be_bytes(digest[..8].try_into().expect("8 bytes")) % 100_000_000;
    format!("0000{number:08}")
}

/// `number` replaced where it stands alone: not part of a longer number, where a digit before
/// it that ends a `%XX` or `\uXXXX` escape (`%22123456789012%22`) is not part of it.
fn replace_whole_number(text: &str, number: &str, with: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(number) {
        let before = &rest[..at];
        let joined_before =
            before.ends_with(|c: char| c.is_ascii_digit()) && !ends_with_escape(before);
        let after = rest[at + number.len()..].chars().next();
        out.push_str(before);
        if joined_before || after.is_some_and(|c| c.is_ascii_digit()) {
            out.push_str(number);
        } else {
            out.push_str(with);
        }
        rest = &rest[at + number.len()..];
    }
    out.push_str(rest);
    out
}

/// Whether `text` ends with a `%XX` or `\uXXXX` escape.
fn ends_with_escape(text: &str) -> bool {
    let bytes = text.as_bytes();
    let hex = |tail: &[u8]| tail.iter().all(u8::is_ascii_hexdigit);
    let percent =
        bytes.len() >= 3 && bytes[bytes.len() - 3] == b'%' && hex(&bytes[bytes.len() - 2..]);
    let unicode = bytes.len() >= 6
        && &bytes[bytes.len() - 6..bytes.len() - 4] == b"\\u"
        && hex(&bytes[bytes.len() - 4..]);
    percent || unicode
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

    /// Every account id, in the shapes AWS sends them: a KMS key policy (JSON in a JSON
    /// string) with ARN, bare and listed principals and account conditions; IAM's trust and
    /// permission policies URL-encoded inside XML; a policy nested two strings deep; XML
    /// owner, account and snapshot-restore fields. A 12-digit number that is not an account id
    /// (a byte count) stays.
    #[test]
    fn every_account_id_in_policies_and_fields_is_replaced() {
        let key_policy = serde_json::json!({
            "Policy": serde_json::json!({
                "Version": "2012-10-17",
                "Statement": [
                    {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"},
                     "Action": "kms:*", "Resource": "*"},
                    {"Effect": "Allow", "Principal": {"AWS": "444455556666"},
                     "Action": "kms:Decrypt", "Resource": "*"},
                    {"Effect": "Allow",
                     "Principal": {"AWS": ["555566667777", "arn:aws:iam::666677778888:role/app"]},
                     "Action": "kms:Encrypt", "Resource": "*",
                     "Condition": {"StringEquals": {
                         "kms:CallerAccount": "777788889999",
                         "aws:SourceAccount": ["888899990000"]}}}
                ]
            }).to_string(),
            "PolicyName": "default"
        })
        .to_string();
        let trust = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::121212121212:root"},"Action":"sts:AssumeRole"},{"Effect":"Allow","Principal":{"AWS":"343434343434"},"Action":"sts:AssumeRole"}]}"#;
        let permissions = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalAccount":["565656565656"],"AWS:SourceOwner":"676767676767"}}}]}"#;
        let encode = |text: &str| {
            percent_encoding::utf8_percent_encode(text, percent_encoding::NON_ALPHANUMERIC)
                .to_string()
        };
        let iam = format!(
            "<GetAccountAuthorizationDetailsResponse><GetAccountAuthorizationDetailsResult>\
             <RoleDetailList><member><RoleName>audit</RoleName>\
             <AssumeRolePolicyDocument>{}</AssumeRolePolicyDocument>\
             </member></RoleDetailList><Policies><member><PolicyVersionList><member>\
             <Document>{}</Document></member></PolicyVersionList></member></Policies>\
             </GetAccountAuthorizationDetailsResult></GetAccountAuthorizationDetailsResponse>",
            encode(trust),
            encode(permissions)
        );
        let inner = serde_json::json!({"Principal": {"AWS": "909090909090"}}).to_string();
        let middle = serde_json::json!({"Document": inner}).to_string();
        let nested = serde_json::json!({"Template": middle}).to_string();
        let xml = "<DBSnapshotAttributesResult><DBSnapshotAttributes><member>\
                   <AttributeName>restore</AttributeName><AttributeValues>\
                   <AttributeValue>232323232323</AttributeValue></AttributeValues></member>\
                   </DBSnapshotAttributes></DBSnapshotAttributesResult>\
                   <Reservation><OwnerId>454545454545</OwnerId></Reservation>\
                   <Trail><AccountId>898989898989</AccountId></Trail>\
                   <Metric><Bytes>123456789012</Bytes></Metric>";
        let ids = [
            "111122223333",
            "444455556666",
            "555566667777",
            "666677778888",
            "777788889999",
            "888899990000",
            "121212121212",
            "343434343434",
            "565656565656",
            "676767676767",
            "909090909090",
            "232323232323",
            "454545454545",
            "898989898989",
        ];

        let anonymizer = Anonymizer::default();
        let responses = [key_policy, iam, nested, xml.to_owned()];
        for response in &responses {
            anonymizer.learn(response);
        }
        for response in &responses {
            let out = anonymizer.apply(response);
            for view in decoded_views(&out) {
                for id in ids {
                    assert!(!view.contains(id), "{id} left in {view}");
                }
            }
            if response.starts_with('{') {
                serde_json::from_str::<serde_json::Value>(&out).expect("still JSON");
            }
        }
        let out = anonymizer.apply(xml);
        assert!(out.contains("<Bytes>123456789012</Bytes>"), "{out}");
        assert!(out.contains(&format!(
            "<OwnerId>{}</OwnerId>",
            placeholder("454545454545")
        )));
        let iam = anonymizer.apply(&responses[1]);
        assert!(
            iam.contains(&format!("%22{}%22", placeholder("343434343434"))),
            "a bare principal, URL-encoded: {iam}"
        );
    }
}
