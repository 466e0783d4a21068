//! The attribute value of one field of one feature, as read from any source format
//! (GeoJSON properties, `.dbf` records, CSV cells) before it is mapped to a canonical field.

use std::fmt;

/// One attribute value. Blank numeric cells and JSON `null` are [`Value::Null`]:
/// a missing value, never a zero.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Number(f64),
    Text(String),
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Null => write!(f, "null"),
            Value::Bool(b) => write!(f, "{b}"),
            Value::Number(n) => write!(f, "{n}"),
            Value::Text(s) => write!(f, "{s:?}"),
        }
    }
}
