//! JSON objects built from values at hand, without serde. `serde_json::json!`
//! passes every value through `to_value(..).unwrap()`, and that unwrap's
//! failure path brings serde_json's error `Debug` (and `str`'s escaping) into
//! the wasm.

use serde_json::{Map, Value};

/// `{key: value, …}`; a later duplicate key wins.
pub fn object(pairs: Vec<(&str, Value)>) -> Value {
    let mut map = Map::new();
    for (key, value) in pairs {
        map.insert(key.to_owned(), value);
    }
    Value::Object(map)
}

/// `map[key]` moved out, `null` left in its place: for maps about to be
/// dropped, where `Map::remove` would only add IndexMap's removal code.
pub fn take(map: &mut Map<String, Value>, key: &str) -> Option<Value> {
    map.get_mut(key).map(Value::take)
}
