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

impl Value {
    /// The value as a text field reads it (an id, a name): trimmed, a whole number without
    /// decimals; none when null or blank.
    pub fn text(&self) -> Option<String> {
        match self {
            Value::Null => None,
            Value::Text(s) if s.trim().is_empty() => None,
            Value::Text(s) => Some(s.trim().to_string()),
            Value::Number(n) if n.fract() == 0.0 && n.abs() < 1e15 => {
                Some(format!("{}", *n as i64))
            }
            Value::Number(n) => Some(n.to_string()),
            Value::Bool(b) => Some(b.to_string()),
        }
    }
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
