//! CBOR response bodies (CloudWatch's rpc-v2-cbor) as the recorder and the call log decode
//! them: JSON or a clean error, never a panic or a huge allocation; the JSON encodes again to
//! CBOR that decodes to the same JSON. Exempt: bodies holding a map shaped like one of the
//! JSON form's markers (`{"$bytes": …}`, `{"$tag": …, "value": …}`), which read back as what
//! they mark; AWS sends none.
#![no_main]

use std::collections::BTreeSet;

use ciborium::value::Value;
use libfuzzer_sys::fuzz_target;
use rds_evidence_wire::cbor;

/// Whether `value` holds a map whose keys are those of a marker.
fn marker_shaped(value: &Value) -> bool {
    match value {
        Value::Array(items) => items.iter().any(marker_shaped),
        Value::Tag(_, inner) => marker_shaped(inner),
        Value::Map(entries) => {
            let keys: BTreeSet<&str> = entries.iter().filter_map(|(k, _)| k.as_text()).collect();
            keys == BTreeSet::from(["$bytes"])
                || keys == BTreeSet::from(["$tag", "value"])
                || entries
                    .iter()
                    .any(|(k, v)| marker_shaped(k) || marker_shaped(v))
        }
        _ => false,
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(json) = cbor::to_json(data) else {
        return;
    };
    let value: Value = ciborium::from_reader(data).expect("to_json decoded it");
    if marker_shaped(&value) {
        let _ = cbor::from_json(&json);
        return;
    }
    let bytes = cbor::from_json(&json)
        .unwrap_or_else(|e| panic!("JSON from to_json does not encode: {e}: {json}"));
    let again = cbor::to_json(&bytes)
        .unwrap_or_else(|e| panic!("CBOR from from_json does not decode: {e}: {json}"));
    assert_eq!(again, json, "CBOR → JSON → CBOR → JSON changed the value");
});
