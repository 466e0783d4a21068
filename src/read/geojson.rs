//! GeoJSON (RFC 7946, and the legacy `crs` member), read straight into geometry: the file
//! is split into its features without building a JSON tree (each feature's geometry and
//! properties borrowed slices of the text, found in the one pass), then the features are
//! parsed in parallel, each on its own, so that one malformed feature is rejected alone. Coordinates go from the text into `geo` types with
//! no intermediate values; property keys and plain strings are borrowed from the text.

use std::borrow::Cow;
use std::fmt;
use std::path::Path;

use geo::{Coord, Geometry, LineString, MultiLineString, MultiPoint, MultiPolygon, Point, Polygon};
use rayon::prelude::*;
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use serde_json::value::RawValue;

use super::value::Value;
use super::PlanError;
use super::{RawFeature, RawLayer};

pub fn read(path: &Path) -> Result<RawLayer, PlanError> {
    let bytes = super::mapped::FileBytes::open(path).map_err(|e| PlanError::file(path, e))?;
    let text = bytes.text().map_err(|e| PlanError::file(path, e))?;
    let name = path.display().to_string();
    parse_named(text, &name).map_err(|why| PlanError::Parse(name, why))
}

/// The top level of a GeoJSON text: a FeatureCollection, a Feature or a bare geometry.
#[derive(Deserialize)]
struct Root<'a> {
    #[serde(rename = "type", borrow)]
    kind: Option<Cow<'a, str>>,
    #[serde(borrow)]
    features: Option<FeatureList<'a>>,
    #[serde(borrow)]
    geometry: Option<&'a RawValue>,
    #[serde(borrow)]
    properties: Option<&'a RawValue>,
    crs: Option<serde_json::Value>,
}

/// A FeatureCollection's `features`: each element's geometry and properties as text,
/// found while the document is read (one pass over the file, on one thread; they are then
/// parsed in parallel), or none when the member is no array.
struct FeatureList<'a>(Option<Vec<Parts<'a>>>);

/// A feature's geometry and properties as text, or what the element is when it is not an
/// object (it then has neither).
type Parts<'a> = (Option<&'a str>, Option<&'a str>, Option<&'static str>);

impl<'de: 'a, 'a> Deserialize<'de> for FeatureList<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Elements<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for Elements<'a> {
            type Value = FeatureList<'a>;

            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an array of features")
            }

            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                let mut all = Vec::with_capacity(seq.size_hint().unwrap_or(0));
                while let Some(Element(parts)) = seq.next_element::<Element<'a>>()? {
                    all.push(parts);
                }
                Ok(FeatureList(Some(all)))
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                while map
                    .next_entry::<de::IgnoredAny, de::IgnoredAny>()?
                    .is_some()
                {}
                Ok(FeatureList(None))
            }

            fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
                Ok(FeatureList(None))
            }

            fn visit_i64<E>(self, _: i64) -> Result<Self::Value, E> {
                Ok(FeatureList(None))
            }

            fn visit_u64<E>(self, _: u64) -> Result<Self::Value, E> {
                Ok(FeatureList(None))
            }

            fn visit_f64<E>(self, _: f64) -> Result<Self::Value, E> {
                Ok(FeatureList(None))
            }

            fn visit_str<E>(self, _: &str) -> Result<Self::Value, E> {
                Ok(FeatureList(None))
            }

            fn visit_unit<E>(self) -> Result<Self::Value, E> {
                Ok(FeatureList(None))
            }
        }
        d.deserialize_any(Elements(std::marker::PhantomData))
    }
}

/// One element of `features`, as [`Parts`]. A feature whose geometry or properties
/// appear twice has neither (the feature is then rejected for its missing geometry); what
/// else a feature holds is skipped.
struct Element<'a>(Parts<'a>);

/// The members of a feature that are read.
#[derive(Deserialize)]
#[serde(field_identifier, rename_all = "lowercase")]
enum Member {
    Geometry,
    Properties,
    #[serde(other)]
    Other,
}

impl<'de: 'a, 'a> Deserialize<'de> for Element<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for V<'a> {
            type Value = Element<'a>;

            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a feature")
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let (mut geometry, mut properties) = (None, None);
                let mut twice = false;
                while let Some(member) = map.next_key::<Member>()? {
                    let slot = match member {
                        Member::Geometry => &mut geometry,
                        Member::Properties => &mut properties,
                        Member::Other => {
                            map.next_value::<de::IgnoredAny>()?;
                            continue;
                        }
                    };
                    twice |= slot.is_some();
                    *slot = Some(map.next_value::<Option<&'a RawValue>>()?);
                }
                Ok(Element(if twice {
                    (None, None, None)
                } else {
                    (
                        geometry.flatten().map(RawValue::get),
                        properties.flatten().map(RawValue::get),
                        None,
                    )
                }))
            }

            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                while seq.next_element::<de::IgnoredAny>()?.is_some() {}
                Ok(Element((None, None, Some("an array"))))
            }

            fn visit_str<E>(self, _: &str) -> Result<Self::Value, E> {
                Ok(Element((None, None, Some("a string"))))
            }

            fn visit_unit<E>(self) -> Result<Self::Value, E> {
                Ok(Element((None, None, Some("null"))))
            }

            fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
                Ok(Element((None, None, Some("a boolean"))))
            }

            fn visit_i64<E>(self, _: i64) -> Result<Self::Value, E> {
                Ok(Element((None, None, Some("a number"))))
            }

            fn visit_u64<E>(self, _: u64) -> Result<Self::Value, E> {
                Ok(Element((None, None, Some("a number"))))
            }

            fn visit_f64<E>(self, _: f64) -> Result<Self::Value, E> {
                Ok(Element((None, None, Some("a number"))))
            }
        }
        d.deserialize_any(V(std::marker::PhantomData))
    }
}

/// A feature's properties as read: key and value, in the file's order.
type Properties<'a> = Vec<(Cow<'a, str>, Value)>;

/// Parses a whole GeoJSON text into a layer.
pub fn parse(text: &str) -> Result<RawLayer, String> {
    parse_named(text, "GeoJSON")
}

/// [`parse`], the file's `name` in the layer's notes.
fn parse_named(text: &str, name: &str) -> Result<RawLayer, String> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let not_json = |e: serde_json::Error| match e.classify() {
        serde_json::error::Category::Syntax | serde_json::error::Category::Eof => {
            format!("not JSON: {e}")
        }
        _ => format!("not a GeoJSON object: {e}"),
    };
    if !text.trim_start().starts_with('{') {
        // Valid JSON that is no object, or no JSON at all.
        return Err(match serde_json::from_str::<serde::de::IgnoredAny>(text) {
            Ok(_) => "not a GeoJSON object".into(),
            Err(e) => not_json(e),
        });
    }
    let root: Root = serde_json::from_str(text).map_err(not_json)?;
    let crs = root.crs.as_ref().and_then(named_crs);
    // Each feature: its geometry and its properties, as text, or what it is when it is not
    // an object.
    let parts: Vec<Parts> = match root.kind.as_deref() {
        Some("FeatureCollection") => root
            .features
            .and_then(|f| f.0)
            .ok_or("a FeatureCollection without a 'features' array")?,
        Some("Feature") => vec![(
            root.geometry.map(RawValue::get),
            root.properties.map(RawValue::get),
            None,
        )],
        Some(_) => vec![(Some(text), None, None)],
        None => return Err("not a GeoJSON object (no 'type')".into()),
    };
    // A feature whose properties cannot be read (nested past serde_json's limit of 128,
    // say) is rejected with why, not read as one without properties.
    let props: Vec<Result<Properties, String>> = parts
        .par_iter()
        .map(|(_, p, _)| match p {
            None | Some("null") => Ok(Vec::new()),
            Some(p) => serde_json::from_str::<Props>(p)
                .map(|p| p.0)
                .map_err(|e| format!("its properties cannot be read: {}", without_position(e))),
        })
        .collect();
    // Fields in the order they first appear.
    let mut fields: Vec<String> = Vec::new();
    let mut column: rustc_hash::FxHashMap<String, usize> = Default::default();
    for (k, _) in props.iter().flatten().flatten() {
        if !column.contains_key(k.as_ref()) {
            column.insert(k.to_string(), fields.len());
            fields.push(k.to_string());
        }
    }
    let (features, unclosed): (Vec<RawFeature>, Vec<bool>) = parts
        .into_par_iter()
        .zip(props)
        .enumerate()
        .map(|(index, ((geometry, _, not_object), props))| {
            let mut unclosed = false;
            let geometry = match geometry {
                None | Some("null") => Err("the feature has no geometry".to_string()),
                Some(g) => {
                    geometry_of(g, &mut unclosed).map_err(|e| format!("unreadable geometry: {e}"))
                }
            };
            let mut values = vec![Value::Null; fields.len()];
            let problem = match props {
                // An array, a number…: no feature at all, said as such.
                _ if not_object.is_some() => Some(format!(
                    "feature {index} is not a GeoJSON Feature object but {}",
                    not_object.unwrap_or_default()
                )),
                // A repeated key: the last value holds, as JSON parsers take it.
                Ok(props) => {
                    for (k, v) in props {
                        values[column[k.as_ref()]] = v;
                    }
                    None
                }
                Err(why) => Some(why),
            };
            let feature = RawFeature {
                problem,
                ..RawFeature::new(index, geometry, values)
            };
            (feature, unclosed)
        })
        .unzip();
    let notes = unclosed_note(name, &features, &unclosed, column.get("id").copied());
    Ok(RawLayer {
        fields,
        features,
        crs,
        encoding: None,
        notes,
    })
}

/// A ring whose last position is not its first is closed as it is read (RFC 7946 wants
/// them closed; many exports forget): the layer's note names the features so repaired.
fn unclosed_note(
    name: &str,
    features: &[RawFeature],
    unclosed: &[bool],
    id: Option<usize>,
) -> Vec<crate::text::Text> {
    let named: Vec<String> = features
        .iter()
        .zip(unclosed)
        .filter(|(_, &u)| u)
        .map(|(f, _)| match f.text(id) {
            Some(id) => format!("#{} ({id})", f.index),
            None => format!("#{}", f.index),
        })
        .collect();
    if named.is_empty() {
        return Vec::new();
    }
    let shown = named
        .iter()
        .take(10)
        .cloned()
        .collect::<Vec<_>>()
        .join(", ");
    let more = if named.len() > 10 {
        format!(" …(+{})", named.len() - 10)
    } else {
        String::new()
    };
    vec![crate::text::t!(
        "{}：{} 个要素的环未闭合（{}{}），读取时已闭合",
        "{}: {} features have rings that are not closed ({}{}); they were closed as read",
        name,
        named.len(),
        shown,
        more
    )]
}

/// The legacy GeoJSON `crs` member (`{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::4547"}}`).
fn named_crs(v: &serde_json::Value) -> Option<String> {
    let name = v.get("properties")?.get("name")?.as_str()?;
    if let Some(code) = name.strip_prefix("urn:ogc:def:crs:EPSG::") {
        return Some(format!("EPSG:{code}"));
    }
    if name.ends_with("CRS84") {
        return Some("EPSG:4326".into());
    }
    Some(name.to_string())
}

/// A feature's properties, in their order, keys borrowed where the text allows.
struct Props<'a>(Vec<(Cow<'a, str>, Value)>);

impl<'de> Deserialize<'de> for Props<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Props<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Props<'de>, A::Error> {
                let mut out = Vec::new();
                while let Some(Key(k)) = map.next_key()? {
                    let PropValue(v) = map.next_value()?;
                    out.push((k, v));
                }
                Ok(Props(out))
            }
        }
        d.deserialize_map(V)
    }
}

/// A key, borrowed when it holds no escapes.
struct Key<'a>(Cow<'a, str>);

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E: de::Error>(self, s: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Borrowed(s)))
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(s.to_string())))
            }
            fn visit_string<E: de::Error>(self, s: String) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(s)))
            }
        }
        d.deserialize_str(V)
    }
}

/// A property's value: null, a boolean, a number or text; an object or array is kept as
/// its JSON text.
struct PropValue(Value);

impl<'de> Deserialize<'de> for PropValue {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = PropValue;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a JSON value")
            }
            fn visit_unit<E>(self) -> Result<PropValue, E> {
                Ok(PropValue(Value::Null))
            }
            fn visit_none<E>(self) -> Result<PropValue, E> {
                Ok(PropValue(Value::Null))
            }
            fn visit_bool<E>(self, b: bool) -> Result<PropValue, E> {
                Ok(PropValue(Value::Bool(b)))
            }
            fn visit_f64<E>(self, n: f64) -> Result<PropValue, E> {
                Ok(PropValue(Value::Number(n)))
            }
            fn visit_i64<E>(self, n: i64) -> Result<PropValue, E> {
                Ok(PropValue(Value::Number(n as f64)))
            }
            fn visit_u64<E>(self, n: u64) -> Result<PropValue, E> {
                Ok(PropValue(Value::Number(n as f64)))
            }
            fn visit_str<E>(self, s: &str) -> Result<PropValue, E> {
                Ok(PropValue(Value::Text(s.to_string())))
            }
            fn visit_string<E>(self, s: String) -> Result<PropValue, E> {
                Ok(PropValue(Value::Text(s)))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<PropValue, A::Error> {
                let v = serde_json::Value::deserialize(de::value::MapAccessDeserializer::new(map))?;
                Ok(PropValue(Value::Text(v.to_string())))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<PropValue, A::Error> {
                let v = serde_json::Value::deserialize(de::value::SeqAccessDeserializer::new(seq))?;
                Ok(PropValue(Value::Text(v.to_string())))
            }
        }
        d.deserialize_any(V)
    }
}

/// A geometry object as written: its coordinates not yet shaped by its type.
#[derive(Deserialize)]
struct RawGeometry {
    #[serde(rename = "type")]
    kind: String,
    coordinates: Option<Node>,
    geometries: Option<Vec<RawGeometry>>,
}

/// Nested coordinate arrays: a number, a position, an array of positions, or an array of
/// deeper arrays.
enum Node {
    Number(f64),
    Position(Coord<f64>),
    Positions(Vec<Coord<f64>>),
    Nested(Vec<Node>),
    Empty,
}

impl<'de> Deserialize<'de> for Node {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(NodeVisitor)
    }
}

struct NodeVisitor;

impl<'de> Visitor<'de> for NodeVisitor {
    type Value = Node;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("coordinates: numbers in nested arrays")
    }
    fn visit_f64<E>(self, n: f64) -> Result<Node, E> {
        Ok(Node::Number(n))
    }
    fn visit_i64<E>(self, n: i64) -> Result<Node, E> {
        Ok(Node::Number(n as f64))
    }
    fn visit_u64<E>(self, n: u64) -> Result<Node, E> {
        Ok(Node::Number(n as f64))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Node, A::Error> {
        let Some(first) = seq.next_element::<Node>()? else {
            return Ok(Node::Empty);
        };
        match first {
            Node::Number(x) => {
                let y = seq
                    .next_element::<f64>()?
                    .ok_or_else(|| de::Error::custom("a position needs at least two numbers"))?;
                // Elevation and measure are read and left.
                while seq.next_element::<f64>()?.is_some() {}
                Ok(Node::Position(Coord { x, y }))
            }
            Node::Position(c) => {
                let mut v = Vec::with_capacity(seq.size_hint().unwrap_or(8) + 1);
                v.push(c);
                while let Some(n) = seq.next_element::<Node>()? {
                    match n {
                        Node::Position(c) => v.push(c),
                        _ => return Err(de::Error::custom("positions mixed with other arrays")),
                    }
                }
                Ok(Node::Positions(v))
            }
            other => {
                let mut v = vec![other];
                while let Some(n) = seq.next_element_seed(NodeSeed)? {
                    v.push(n);
                }
                Ok(Node::Nested(v))
            }
        }
    }
}

struct NodeSeed;

impl<'de> DeserializeSeed<'de> for NodeSeed {
    type Value = Node;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Node, D::Error> {
        d.deserialize_any(NodeVisitor)
    }
}

/// A parse error of a part of the file, without its line and column: they would count
/// within the part, not the file.
fn without_position(e: serde_json::Error) -> String {
    let e = e.to_string();
    match e.rfind(" at line ") {
        Some(i) => e[..i].to_string(),
        None => e,
    }
}

/// Parses one geometry object; `unclosed` is set when a polygon's ring had to be closed.
fn geometry_of(text: &str, unclosed: &mut bool) -> Result<Geometry<f64>, String> {
    let raw: RawGeometry = serde_json::from_str(text).map_err(without_position)?;
    shape(raw, unclosed)
}

/// Shapes coordinates by the geometry's type.
fn shape(g: RawGeometry, unclosed: &mut bool) -> Result<Geometry<f64>, String> {
    if g.kind == "GeometryCollection" {
        let parts = g
            .geometries
            .ok_or("a GeometryCollection without 'geometries'")?;
        return parts
            .into_iter()
            .map(|g| shape(g, unclosed))
            .collect::<Result<Vec<_>, _>>()
            .map(|v| Geometry::GeometryCollection(geo::GeometryCollection(v)));
    }
    let kind = g.kind.as_str();
    let c = g
        .coordinates
        .ok_or_else(|| format!("a {kind} without 'coordinates'"))?;
    let wrong = || format!("the coordinates of a {kind} are not nested as a {kind}'s are");
    Ok(match kind {
        "Point" => match c {
            Node::Position(p) => Geometry::Point(Point(p)),
            Node::Empty => return Err("an empty Point".into()),
            _ => return Err(wrong()),
        },
        "MultiPoint" => Geometry::MultiPoint(MultiPoint(
            positions(c)
                .ok_or_else(wrong)?
                .into_iter()
                .map(Point)
                .collect(),
        )),
        "LineString" => Geometry::LineString(LineString(positions(c).ok_or_else(wrong)?)),
        "MultiLineString" => {
            Geometry::MultiLineString(MultiLineString(lines(c).ok_or_else(wrong)?))
        }
        "Polygon" => Geometry::Polygon(polygon(c, unclosed).ok_or_else(wrong)?),
        "MultiPolygon" => Geometry::MultiPolygon(MultiPolygon(
            nested(c)
                .ok_or_else(wrong)?
                .into_iter()
                .map(|p| polygon(p, unclosed))
                .collect::<Option<Vec<_>>>()
                .ok_or_else(wrong)?,
        )),
        other => return Err(format!("unknown geometry type '{other}'")),
    })
}

/// An array of positions (or an empty array).
fn positions(n: Node) -> Option<Vec<Coord<f64>>> {
    match n {
        Node::Positions(v) => Some(v),
        Node::Empty => Some(Vec::new()),
        _ => None,
    }
}

/// An array of deeper arrays (or an empty array).
fn nested(n: Node) -> Option<Vec<Node>> {
    match n {
        Node::Nested(v) => Some(v),
        // One-position arrays inside: `[[[x, y]]]` is read as positions of positions.
        Node::Positions(_) => None,
        Node::Empty => Some(Vec::new()),
        _ => None,
    }
}

/// Arrays of positions: a MultiLineString's lines, a polygon's rings.
fn lines(n: Node) -> Option<Vec<LineString<f64>>> {
    nested(n)?
        .into_iter()
        .map(|l| positions(l).map(LineString))
        .collect()
}

/// A polygon: its exterior ring, then its holes (each closed if it was not: `unclosed`).
fn polygon(n: Node, unclosed: &mut bool) -> Option<Polygon<f64>> {
    let rings = lines(n)?;
    *unclosed |= rings
        .iter()
        .any(|r| r.0.len() > 1 && r.0.first() != r.0.last());
    let mut rings = rings.into_iter();
    let exterior = rings.next().unwrap_or_else(|| LineString(Vec::new()));
    Some(Polygon::new(exterior, rings.collect()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn layer(text: &str) -> RawLayer {
        parse(text).unwrap()
    }

    #[test]
    fn features_fields_and_values_in_order() {
        let l = layer(
            r#"{"type":"FeatureCollection","features":[
            {"type":"Feature","geometry":{"type":"Point","coordinates":[1,2.5,9]},"properties":{"id":"a","n":3,"ok":true}},
            {"type":"Feature","geometry":null,"properties":{"x":{"k":[1,2]},"id":"b\u00e9","n":null}},
            {"type":"Feature","properties":{"id":"c","id":"d"},"geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]],[]]}}]}"#,
        );
        assert_eq!(l.fields, ["id", "n", "ok", "x"]);
        let f = &l.features;
        assert_eq!(f[0].geometry, Ok(Geometry::Point(Point::new(1.0, 2.5))));
        assert_eq!(
            f[0].values,
            [
                Value::Text("a".into()),
                Value::Number(3.0),
                Value::Bool(true),
                Value::Null
            ]
        );
        assert_eq!(f[1].geometry, Err("the feature has no geometry".into()));
        assert_eq!(f[1].values[0], Value::Text("bé".into()));
        assert_eq!(f[1].values[3], Value::Text(r#"{"k":[1,2]}"#.into()));
        assert_eq!(f[2].values[0], Value::Text("d".into()));
        let Ok(Geometry::Polygon(p)) = &f[2].geometry else {
            panic!("{:?}", f[2].geometry)
        };
        assert_eq!(p.exterior().0.len(), 4);
        assert_eq!(p.interiors().len(), 1);
    }

    #[test]
    fn a_malformed_feature_is_rejected_alone() {
        let l = layer(
            r#"{"type":"FeatureCollection","features":[
            {"type":"Feature","geometry":{"type":"Polygon","coordinates":[[0,0],[1,1]]},"properties":{}},
            {"type":"Feature","geometry":{"type":"Point","coordinates":[1]},"properties":{}},
            {"type":"Feature","geometry":{"type":"Blob","coordinates":[1,2]},"properties":{}},
            {"type":"Feature","geometry":{"type":"Point","coordinates":["a","b"]},"properties":{}},
            7,
            {"type":"Feature","geometry":{"type":"MultiPolygon","coordinates":[[[[0,0],[1,0],[0,1],[0,0]]]]},"properties":[1]}]}"#,
        );
        let e = |i: usize| l.features[i].geometry.clone().unwrap_err();
        assert!(e(0).contains("not nested as a Polygon"), "{}", e(0));
        assert!(e(1).contains("at least two numbers"), "{}", e(1));
        assert!(e(2).contains("unknown geometry type 'Blob'"), "{}", e(2));
        assert!(e(3).starts_with("unreadable geometry"), "{}", e(3));
        assert_eq!(e(4), "the feature has no geometry");
        assert_eq!(
            l.features[4].problem.as_deref(),
            Some("feature 4 is not a GeoJSON Feature object but a number")
        );
        assert!(matches!(
            l.features[5].geometry,
            Ok(Geometry::MultiPolygon(_))
        ));
        assert!(l.fields.is_empty());
    }

    #[test]
    fn each_element_of_features_is_read_for_what_it_is() {
        let l = layer(
            r#"{"type":"FeatureCollection","features":[
            [1, {"geometry": 2}],
            "a feature",
            null,
            false,
            -2.5,
            {"geometry":{"type":"Point","coordinates":[0,0]},"geometry":{"type":"Point","coordinates":[1,1]},"properties":{"a":1}},
            {"geo\u006detry":{"type":"Point","coordinates":[2,3]},"id":{"deep":[[[]]]},"properties":{"a":2}},
            {"geometry":null,"properties":null},
            {"properties":{"a":3},"type":"Feature","geometry":{"type":"Point","coordinates":[4,5]}}]}"#,
        );
        let problem = |i: usize| l.features[i].problem.clone().unwrap_or_default();
        for (i, what) in ["an array", "a string", "null", "a boolean", "a number"]
            .iter()
            .enumerate()
        {
            assert_eq!(
                problem(i),
                format!("feature {i} is not a GeoJSON Feature object but {what}")
            );
        }
        // A member twice: the feature has neither its geometry nor its properties.
        assert_eq!(
            l.features[5].geometry.clone().unwrap_err(),
            "the feature has no geometry"
        );
        assert_eq!(l.features[5].values, vec![Value::Null]);
        // A key spelled with an escape is the key; other members are skipped, whatever
        // they hold.
        assert_eq!(l.features[6].geometry, Ok(Point::new(2.0, 3.0).into()));
        assert_eq!(l.features[6].values, vec![Value::Number(2.0)]);
        assert_eq!(
            l.features[7].geometry.clone().unwrap_err(),
            "the feature has no geometry"
        );
        assert_eq!(l.features[8].geometry, Ok(Point::new(4.0, 5.0).into()));
        assert_eq!(l.features[8].values, vec![Value::Number(3.0)]);
        assert_eq!(l.fields, vec!["a"]);
    }

    #[test]
    fn single_features_bare_geometries_and_the_legacy_crs() {
        let l = layer(
            r#"{"type":"Feature","geometry":{"type":"LineString","coordinates":[[0,0],[3,4]]},"properties":{"id":1}}"#,
        );
        assert_eq!(l.features.len(), 1);
        assert_eq!(l.fields, ["id"]);
        let l = layer(
            "\u{feff}{\"type\":\"MultiPoint\",\"coordinates\":[[1,2],[3,4]],\"crs\":{\"type\":\"name\",\"properties\":{\"name\":\"urn:ogc:def:crs:EPSG::4547\"}}}",
        );
        assert!(
            matches!(l.features[0].geometry, Ok(Geometry::MultiPoint(ref m)) if m.0.len() == 2)
        );
        assert_eq!(l.crs.as_deref(), Some("EPSG:4547"));
    }

    #[test]
    fn what_is_not_geojson_is_told() {
        assert!(parse("{\"type\":").err().unwrap().starts_with("not JSON"));
        assert_eq!(parse("[1, 2]").err().unwrap(), "not a GeoJSON object");
        assert_eq!(
            parse("{\"features\":[]}").err().unwrap(),
            "not a GeoJSON object (no 'type')"
        );
        // Whatever `features` is when it is no array, the collection says so.
        for features in ["3", "-2.5", "\"x\"", "true", "null", "{\"a\": [1, {}]}"] {
            let text = format!("{{\"type\":\"FeatureCollection\",\"features\":{features}}}");
            assert_eq!(
                parse(&text).err().unwrap(),
                "a FeatureCollection without a 'features' array",
                "{text}"
            );
        }
        // A features array not closed is no JSON.
        assert!(parse("{\"type\":\"FeatureCollection\",\"features\":[{}, ")
            .err()
            .unwrap()
            .starts_with("not JSON"));
    }
}
