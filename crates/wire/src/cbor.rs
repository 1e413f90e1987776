//! CBOR bodies (the rpc-v2-cbor protocol of CloudWatch) as readable JSON in recordings, and
//! back to CBOR at replay.
//!
//! JSON has no byte strings or tags, so those take a marked form: `{"$bytes": "<hex>"}` and
//! `{"$tag": N, "value": …}` (timestamps are tag 1 around epoch seconds). Floats stay floats
//! (`1.0`), integers stay integers, so the round trip is exact for what AWS sends.

use ciborium::value::{Integer, Value as Cbor};
use serde_json::{Map, Number, Value as Json};

pub fn to_json(bytes: &[u8]) -> Result<Json, String> {
    let value: Cbor = ciborium::from_reader(bytes).map_err(|e| format!("not CBOR: {e}"))?;
    cbor_to_json(value)
}

pub fn from_json(json: &Json) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    ciborium::into_writer(&json_to_cbor(json)?, &mut out).map_err(|e| e.to_string())?;
    Ok(out)
}

fn cbor_to_json(value: Cbor) -> Result<Json, String> {
    Ok(match value {
        Cbor::Null => Json::Null,
        Cbor::Bool(b) => Json::Bool(b),
        Cbor::Integer(i) => {
            let i = i128::from(i);
            i64::try_from(i)
                .map(Json::from)
                .or_else(|_| u64::try_from(i).map(Json::from))
                .map_err(|_| format!("integer {i} out of range"))?
        }
        Cbor::Float(f) => Number::from_f64(f)
            .map(Json::Number)
            .ok_or_else(|| format!("float {f} has no JSON form"))?,
        Cbor::Text(s) => Json::String(s),
        Cbor::Bytes(b) => Json::Object(Map::from_iter([(
            "$bytes".to_owned(),
            Json::String(hex::encode(b)),
        )])),
        Cbor::Array(items) => Json::Array(
            items
                .into_iter()
                .map(cbor_to_json)
                .collect::<Result<_, _>>()?,
        ),
        Cbor::Map(entries) => {
            let mut map = Map::new();
            for (key, value) in entries {
                let Cbor::Text(key) = key else {
                    return Err(format!("map key {key:?} is not text"));
                };
                map.insert(key, cbor_to_json(value)?);
            }
            Json::Object(map)
        }
        // Bignums of up to 16 bytes are integers, as ciborium reads them when their length
        // is definite: so also when it is not, and a decoded body encodes back the same.
        Cbor::Tag(tag @ (BIGNUM | NEGATIVE_BIGNUM), inner) => match *inner {
            Cbor::Bytes(bytes) if bytes.len() <= 16 => {
                let magnitude = bytes.iter().fold(0u128, |n, b| n << 8 | u128::from(*b));
                i128::try_from(magnitude)
                    .ok()
                    .map(|n| if tag == BIGNUM { n } else { -1 - n })
                    .and_then(|i| {
                        i64::try_from(i)
                            .map(Json::from)
                            .or_else(|_| u64::try_from(i).map(Json::from))
                            .ok()
                    })
                    .ok_or_else(|| format!("bignum {} out of range", hex::encode(&bytes)))?
            }
            inner => tagged(tag, inner)?,
        },
        Cbor::Tag(tag, inner) => tagged(tag, *inner)?,
        other => return Err(format!("unsupported CBOR value {other:?}")),
    })
}

/// CBOR tags 2 and 3 (RFC 8949 §3.4.3).
const BIGNUM: u64 = 2;
const NEGATIVE_BIGNUM: u64 = 3;

fn tagged(tag: u64, inner: Cbor) -> Result<Json, String> {
    Ok(Json::Object(Map::from_iter([
        ("$tag".to_owned(), Json::from(tag)),
        ("value".to_owned(), cbor_to_json(inner)?),
    ])))
}

fn json_to_cbor(value: &Json) -> Result<Cbor, String> {
    Ok(match value {
        Json::Null => Cbor::Null,
        Json::Bool(b) => Cbor::Bool(*b),
        Json::Number(n) => match (n.as_i64(), n.as_u64(), n.as_f64()) {
            (Some(i), _, _) => Cbor::Integer(Integer::from(i)),
            (None, Some(u), _) => Cbor::Integer(Integer::from(u)),
            (None, None, Some(f)) => Cbor::Float(f),
            _ => return Err(format!("number {n} has no CBOR form")),
        },
        Json::String(s) => Cbor::Text(s.clone()),
        Json::Array(items) => {
            Cbor::Array(items.iter().map(json_to_cbor).collect::<Result<_, _>>()?)
        }
        Json::Object(map) => {
            if let (Some(Json::String(hex_bytes)), 1) = (map.get("$bytes"), map.len()) {
                return hex::decode(hex_bytes)
                    .map(Cbor::Bytes)
                    .map_err(|e| e.to_string());
            }
            if let (Some(tag), Some(inner), 2) = (map.get("$tag"), map.get("value"), map.len()) {
                let tag = tag.as_u64().ok_or("$tag must be a whole number")?;
                return Ok(Cbor::Tag(tag, Box::new(json_to_cbor(inner)?)));
            }
            Cbor::Map(
                map.iter()
                    .map(|(k, v)| Ok((Cbor::Text(k.clone()), json_to_cbor(v)?)))
                    .collect::<Result<_, String>>()?,
            )
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_keeps_integers_floats_tags_and_bytes() {
        // Keys in sorted order: JSON objects here do not keep insertion order.
        let original = Cbor::Map(vec![
            (Cbor::Text("ActionsEnabled".into()), Cbor::Bool(true)),
            (
                Cbor::Text("Period".into()),
                Cbor::Integer(Integer::from(300)),
            ),
            (Cbor::Text("Raw".into()), Cbor::Bytes(vec![0, 255])),
            (
                Cbor::Text("StateUpdatedTimestamp".into()),
                Cbor::Tag(1, Box::new(Cbor::Float(1_700_000_000.5))),
            ),
            (Cbor::Text("Threshold".into()), Cbor::Float(80.0)),
        ]);
        let mut bytes = Vec::new();
        ciborium::into_writer(&original, &mut bytes).unwrap();
        let json = to_json(&bytes).unwrap();
        assert_eq!(json["Threshold"].to_string(), "80.0");
        assert_eq!(json["Period"], 300);
        assert_eq!(json["StateUpdatedTimestamp"]["$tag"], 1);
        assert_eq!(json["Raw"]["$bytes"], "00ff");
        let again = from_json(&json).unwrap();
        let decoded: Cbor = ciborium::from_reader(again.as_slice()).unwrap();
        assert_eq!(decoded, original);
    }

    #[test]
    fn bignums_read_as_integers_whatever_their_length_encoding() {
        // Tag 5 around tag 2 around an empty byte string of indefinite length (found by the
        // `cbor` fuzz target): ciborium keeps that as a tag, but reads the definite-length
        // form it writes back as the integer 0.
        let indefinite = [0xc5, 0xc2, 0x5f, 0xff];
        let json = to_json(&indefinite).unwrap();
        assert_eq!(json, serde_json::json!({"$tag": 5, "value": 0}));
        assert_eq!(to_json(&from_json(&json).unwrap()).unwrap(), json);
        // Negative, and too large for JSON's integers.
        assert_eq!(to_json(&[0xc3, 0x5f, 0x41, 0x01, 0xff]).unwrap(), -2);
        assert!(to_json(&[0xc2, 0x5f, 0x49, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0xff]).is_err());
    }

    #[test]
    fn garbage_is_an_error_not_a_panic() {
        assert!(to_json(&[0xff, 0x00]).is_err());
    }
}
