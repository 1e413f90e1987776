//! The facts a finding records, as a small map kept in a vector.
//!
//! A finding carries a handful of values, often one. A `BTreeMap` allocates a node of eleven
//! slots (over 600 bytes) for the first; at tens of thousands of findings that was the larger
//! part of a run's memory. Serialized exactly as the map was: an object with sorted keys.

use std::fmt;

use serde::de::{MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;

/// Named values, sorted by name, each name once.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Values(Vec<(String, Value)>);

impl Values {
    /// Sets `name` to `value`, replacing an earlier value of that name.
    pub fn insert(&mut self, name: &str, value: Value) {
        match self.0.binary_search_by(|(key, _)| key.as_str().cmp(name)) {
            Ok(at) => self.0[at].1 = value,
            Err(at) => self.0.insert(at, (name.to_owned(), value)),
        }
    }

    pub fn get(&self, name: &str) -> Option<&Value> {
        self.0
            .binary_search_by(|(key, _)| key.as_str().cmp(name))
            .ok()
            .map(|at| &self.0[at].1)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// In name order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Value)> {
        self.0.iter().map(|(name, value)| (name.as_str(), value))
    }
}

impl std::ops::Index<&str> for Values {
    type Output = Value;

    /// The value of `name`; panics when there is none, as a map's index does.
    fn index(&self, name: &str) -> &Value {
        self.get(name)
            .unwrap_or_else(|| panic!("no value named {name:?}"))
    }
}

impl Serialize for Values {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (name, value) in &self.0 {
            map.serialize_entry(name, value)?;
        }
        map.end()
    }
}

impl<'de> Deserialize<'de> for Values {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Values, D::Error> {
        struct ValuesVisitor;

        impl<'de> Visitor<'de> for ValuesVisitor {
            type Value = Values;

            fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
                formatter.write_str("an object of named values")
            }

            fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Values, A::Error> {
                let mut values = Values::default();
                while let Some((name, value)) = access.next_entry::<String, Value>()? {
                    values.insert(&name, value);
                }
                Ok(values)
            }
        }

        deserializer.deserialize_map(ValuesVisitor)
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn sorted_by_name_like_a_map_and_read_back() {
        let mut values = Values::default();
        values.insert("zone", json!("a"));
        values.insert("count", json!(2));
        values.insert("zone", json!("b"));
        assert_eq!(values.iter().count(), 2);
        assert_eq!(values["zone"], "b");
        assert_eq!(values.get("missing"), None);
        let text = serde_json::to_string(&values).unwrap();
        assert_eq!(text, r#"{"count":2,"zone":"b"}"#);
        let map: std::collections::BTreeMap<String, Value> = serde_json::from_str(&text).unwrap();
        assert_eq!(serde_json::to_string(&map).unwrap(), text);
        let back: Values = serde_json::from_str(r#"{"zone":"b","count":2}"#).unwrap();
        assert_eq!(back, values);
    }
}
