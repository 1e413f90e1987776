//! The replay matcher's keying (`RequestKey::from_request`, `relative_path`) on requests in
//! the text form of `rds_evidence_fuzz::parse_request`: a key or a clean error; every key
//! names a file inside the recording; page sizes never change a key; keys survive the JSON
//! round trip recordings store them in.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rds_evidence_fuzz::{parse_request, stays_inside};
use rds_evidence_wire::{is_cbor, is_form, RequestKey, RequestParts, WireRequest};

fn key_of(request: &RequestParts) -> Result<RequestKey, String> {
    RequestKey::from_request(request)
}

fuzz_target!(|data: &[u8]| {
    let Some(request) = parse_request(data) else {
        return;
    };
    let Ok(key) = key_of(&request) else {
        return;
    };
    assert_eq!(
        key_of(&request).as_ref(),
        Ok(&key),
        "keying is not deterministic"
    );

    let path = key.relative_path();
    assert!(stays_inside(&path), "{key} names {}", path.display());
    assert_eq!(path.components().count(), 3, "{}", path.display());
    assert!(path.extension().is_some_and(|e| e == "json"));
    for size in [
        "MaxRecords",
        "MaxResults",
        "maxResults",
        "Limit",
        "MaxItems",
        "max-keys",
    ] {
        assert!(!key.params.contains_key(size), "page size {size} in {key}");
    }
    let _ = key.to_string();

    let json = serde_json::to_string(&key).expect("a key serialises");
    let again: RequestKey = serde_json::from_str(&json).expect("a written key parses");
    assert_eq!(again, key);
    assert_eq!(again.relative_path(), path);

    // A form request with a page size added keys the same.
    let header = |name| request.header(name);
    if request.header("x-amz-target").is_none() && !is_cbor(header) && is_form(header) {
        let mut body = request.body.to_vec();
        body.extend_from_slice(b"&MaxRecords=20");
        let paged = RequestParts {
            body: &body,
            ..request.clone()
        };
        assert_eq!(key_of(&paged), Ok(key), "a page size changed the key");
    }
});
