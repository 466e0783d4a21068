//! Well-known binary: the geometry of GeoPackage (after its own header) and of PostGIS
//! (EWKB). ISO and extended (EWKB) type codes, either byte order, Z and M read and left
//! (planning is 2D). Every count is checked against the bytes that remain before anything
//! is allocated, and collections nest at most [`DEPTH`] deep: a damaged blob is an error
//! for its feature, never a huge allocation or a stack overflow.

use geo::{
    Coord, Geometry, GeometryCollection, LineString, MultiLineString, MultiPoint, MultiPolygon,
    Point, Polygon,
};

/// How deep geometry collections may nest.
const DEPTH: usize = 32;

/// Reads one WKB geometry, and the SRID an EWKB one carries.
pub fn read(bytes: &[u8]) -> Result<(Geometry<f64>, Option<i32>), String> {
    let mut r = Reader { bytes, at: 0 };
    let (g, srid) = r.geometry(0)?;
    Ok((g, srid))
}

/// Reads a GeoPackage geometry blob: the `GP` header (its SRS id, an envelope, the empty
/// flag) then WKB. An empty geometry is `None`.
pub fn read_gpkg(bytes: &[u8]) -> Result<Option<Geometry<f64>>, String> {
    if bytes.len() < 8 || &bytes[..2] != b"GP" {
        return Err("not a GeoPackage geometry (no 'GP' header)".into());
    }
    let flags = bytes[3];
    if flags & 0b0010_0000 != 0 {
        return Err("an extended GeoPackage geometry type, which planlint does not read".into());
    }
    let envelope = match (flags >> 1) & 0b111 {
        0 => 0,
        1 => 32,
        2 | 3 => 48,
        4 => 64,
        e => {
            return Err(format!(
                "a GeoPackage geometry header with envelope code {e}"
            ))
        }
    };
    if flags & 0b0001_0000 != 0 {
        return Ok(None);
    }
    let start = 8 + envelope;
    let wkb = bytes
        .get(start..)
        .ok_or("a GeoPackage geometry shorter than its header")?;
    read(wkb).map(|(g, _)| Some(g))
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

/// The layout of one geometry's coordinates.
#[derive(Clone, Copy)]
struct Layout {
    little: bool,
    /// Numbers per position: 2, 3 (Z or M) or 4.
    dims: usize,
}

impl Reader<'_> {
    fn take(&mut self, n: usize) -> Result<&[u8], String> {
        let end = self.at.checked_add(n).filter(|&e| e <= self.bytes.len());
        let end = end.ok_or_else(|| format!("WKB ends early (byte {})", self.at))?;
        let s = &self.bytes[self.at..end];
        self.at = end;
        Ok(s)
    }

    /// The next `N` bytes in big-endian order (reversed when the geometry is little-endian).
    fn word<const N: usize>(&mut self, little: bool) -> Result<[u8; N], String> {
        let mut b: [u8; N] = self.take(N)?.try_into().map_err(|_| "WKB ends early")?;
        if little {
            b.reverse();
        }
        Ok(b)
    }

    fn u32(&mut self, little: bool) -> Result<u32, String> {
        self.word(little).map(u32::from_be_bytes)
    }

    fn f64(&mut self, little: bool) -> Result<f64, String> {
        self.word(little).map(f64::from_be_bytes)
    }

    /// A count of items of at least `min` bytes each, checked against what remains.
    fn count(&mut self, little: bool, min: usize) -> Result<usize, String> {
        let n = self.u32(little)? as usize;
        let left = self.bytes.len() - self.at;
        if n.saturating_mul(min) > left {
            return Err(format!(
                "WKB declares {n} parts or points but only {left} bytes remain"
            ));
        }
        Ok(n)
    }

    fn position(&mut self, l: Layout) -> Result<Coord<f64>, String> {
        let x = self.f64(l.little)?;
        let y = self.f64(l.little)?;
        for _ in 2..l.dims {
            self.f64(l.little)?;
        }
        Ok(Coord { x, y })
    }

    fn positions(&mut self, l: Layout) -> Result<Vec<Coord<f64>>, String> {
        let n = self.count(l.little, 8 * l.dims)?;
        (0..n).map(|_| self.position(l)).collect()
    }

    fn rings(&mut self, l: Layout) -> Result<Vec<LineString<f64>>, String> {
        let n = self.count(l.little, 4)?;
        (0..n).map(|_| self.positions(l).map(LineString)).collect()
    }

    fn polygon(&mut self, l: Layout) -> Result<Polygon<f64>, String> {
        let mut rings = self.rings(l)?.into_iter();
        let exterior = rings.next().unwrap_or_else(|| LineString(Vec::new()));
        Ok(Polygon::new(exterior, rings.collect()))
    }

    /// One geometry, with its own byte order and type.
    fn geometry(&mut self, depth: usize) -> Result<(Geometry<f64>, Option<i32>), String> {
        if depth > DEPTH {
            return Err(format!(
                "geometry collections nested more than {DEPTH} deep"
            ));
        }
        let little = match self.take(1)?[0] {
            0 => false,
            1 => true,
            b => return Err(format!("WKB byte order {b} (0 or 1)")),
        };
        let code = self.u32(little)?;
        // EWKB flags, then ISO thousands.
        let (ez, em, has_srid) = (
            code & 0x8000_0000 != 0,
            code & 0x4000_0000 != 0,
            code & 0x2000_0000 != 0,
        );
        let iso = code & 0x0FFF_FFFF;
        let (base, iso_dims) = (iso % 1000, iso / 1000);
        let (z, m) = match iso_dims {
            0 => (ez, em),
            1 => (true, em),
            2 => (ez, true),
            3 => (true, true),
            _ => return Err(format!("WKB geometry type {code}")),
        };
        let srid = if has_srid {
            Some(self.u32(little)? as i32)
        } else {
            None
        };
        let l = Layout {
            little,
            dims: 2 + usize::from(z) + usize::from(m),
        };
        // Each part of a multi-geometry or collection is a whole WKB geometry of its own.
        let parts = |r: &mut Self| -> Result<Vec<Geometry<f64>>, String> {
            let n = r.count(little, 9)?;
            (0..n)
                .map(|_| r.geometry(depth + 1).map(|(g, _)| g))
                .collect()
        };
        let g = match base {
            1 => Geometry::Point(Point(self.position(l)?)),
            2 => Geometry::LineString(LineString(self.positions(l)?)),
            3 => Geometry::Polygon(self.polygon(l)?),
            4 => Geometry::MultiPoint(MultiPoint(only(parts(self)?, "point", |g| match g {
                Geometry::Point(p) => Some(p),
                _ => None,
            })?)),
            5 => Geometry::MultiLineString(MultiLineString(only(
                parts(self)?,
                "line",
                |g| match g {
                    Geometry::LineString(l) => Some(l),
                    _ => None,
                },
            )?)),
            6 => {
                Geometry::MultiPolygon(MultiPolygon(only(parts(self)?, "polygon", |g| match g {
                    Geometry::Polygon(p) => Some(p),
                    _ => None,
                })?))
            }
            7 => Geometry::GeometryCollection(GeometryCollection(parts(self)?)),
            other => {
                return Err(format!(
                    "WKB geometry type {other}, which planlint does not read"
                ))
            }
        };
        Ok((g, srid))
    }
}

/// Writes a geometry as little-endian ISO WKB (2D). Rectangles, triangles and lines are
/// written as the polygons and lines they are.
pub fn write(g: &Geometry<f64>, out: &mut Vec<u8>) {
    let head = |out: &mut Vec<u8>, code: u32| {
        out.push(1);
        out.extend(code.to_le_bytes());
    };
    let points = |out: &mut Vec<u8>, cs: &[Coord<f64>]| {
        out.extend((cs.len() as u32).to_le_bytes());
        for c in cs {
            out.extend(c.x.to_le_bytes());
            out.extend(c.y.to_le_bytes());
        }
    };
    let polygon = |out: &mut Vec<u8>, p: &Polygon<f64>| {
        head(out, 3);
        let rings: Vec<&LineString<f64>> = std::iter::once(p.exterior())
            .filter(|r| !r.0.is_empty())
            .chain(p.interiors())
            .collect();
        out.extend((rings.len() as u32).to_le_bytes());
        for r in rings {
            points(out, &r.0);
        }
    };
    match g {
        Geometry::Point(p) => {
            head(out, 1);
            out.extend(p.x().to_le_bytes());
            out.extend(p.y().to_le_bytes());
        }
        Geometry::Line(l) => write(&Geometry::LineString(LineString::from(*l)), out),
        Geometry::LineString(l) => {
            head(out, 2);
            points(out, &l.0);
        }
        Geometry::Polygon(p) => polygon(out, p),
        Geometry::Rect(r) => polygon(out, &r.to_polygon()),
        Geometry::Triangle(t) => polygon(out, &t.to_polygon()),
        Geometry::MultiPoint(m) => {
            head(out, 4);
            out.extend((m.0.len() as u32).to_le_bytes());
            for p in &m.0 {
                write(&Geometry::Point(*p), out);
            }
        }
        Geometry::MultiLineString(m) => {
            head(out, 5);
            out.extend((m.0.len() as u32).to_le_bytes());
            for l in &m.0 {
                head(out, 2);
                points(out, &l.0);
            }
        }
        Geometry::MultiPolygon(m) => {
            head(out, 6);
            out.extend((m.0.len() as u32).to_le_bytes());
            for p in &m.0 {
                polygon(out, p);
            }
        }
        Geometry::GeometryCollection(c) => {
            head(out, 7);
            out.extend((c.0.len() as u32).to_le_bytes());
            for g in &c.0 {
                write(g, out);
            }
        }
    }
}

/// A GeoPackage geometry blob: the `GP` header (little-endian, no envelope) and WKB.
pub fn write_gpkg(g: &Geometry<f64>, srs_id: i32) -> Vec<u8> {
    let mut out = b"GP\x00\x01".to_vec();
    out.extend(srs_id.to_le_bytes());
    write(g, &mut out);
    out
}

/// The parts of a multi-geometry, each of the one kind it holds (`what`).
fn only<T>(
    parts: Vec<Geometry<f64>>,
    what: &str,
    pick: impl Fn(Geometry<f64>) -> Option<T>,
) -> Result<Vec<T>, String> {
    parts
        .into_iter()
        .map(|g| pick(g).ok_or_else(|| format!("a part of a multi-{what} that is not a {what}")))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// WKB of a little-endian polygon: one ring of `pts`.
    fn polygon_le(pts: &[(f64, f64)]) -> Vec<u8> {
        let mut b = vec![1u8];
        b.extend(3u32.to_le_bytes());
        b.extend(1u32.to_le_bytes());
        b.extend((pts.len() as u32).to_le_bytes());
        for (x, y) in pts {
            b.extend(x.to_le_bytes());
            b.extend(y.to_le_bytes());
        }
        b
    }

    /// A 10 m square ring, closed.
    const SQUARE: [(f64, f64); 5] = [
        (0.0, 0.0),
        (10.0, 0.0),
        (10.0, 10.0),
        (0.0, 10.0),
        (0.0, 0.0),
    ];

    #[test]
    fn polygons_points_and_collections_in_either_byte_order() {
        let sq = SQUARE;
        let (g, srid) = read(&polygon_le(&sq)).unwrap();
        assert_eq!(srid, None);
        assert_eq!(
            g,
            Geometry::Polygon(Polygon::new(LineString::from(sq.to_vec()), vec![]))
        );
        // Big-endian point with Z (ISO 1001): the height is read and left.
        let mut b = vec![0u8];
        b.extend(1001u32.to_be_bytes());
        for v in [3.0f64, 4.0, 99.0] {
            b.extend(v.to_be_bytes());
        }
        assert_eq!(read(&b).unwrap().0, Geometry::Point(Point::new(3.0, 4.0)));
        // EWKB point with an SRID (PostGIS): 0x20000001, SRID 4547.
        let mut b = vec![1u8];
        b.extend(0x2000_0001u32.to_le_bytes());
        b.extend(4547u32.to_le_bytes());
        b.extend(1.0f64.to_le_bytes());
        b.extend(2.0f64.to_le_bytes());
        assert_eq!(
            read(&b).unwrap(),
            (Geometry::Point(Point::new(1.0, 2.0)), Some(4547))
        );
        // A multipolygon of the square (type 6, one part).
        let mut b = vec![1u8];
        b.extend(6u32.to_le_bytes());
        b.extend(1u32.to_le_bytes());
        b.extend(polygon_le(&sq));
        assert!(matches!(read(&b).unwrap().0, Geometry::MultiPolygon(m) if m.0.len() == 1));
    }

    #[test]
    fn damaged_blobs_are_errors_not_allocations() {
        // A polygon declaring 1,000,000,000 points in a 40-byte blob.
        let mut b = vec![1u8];
        b.extend(3u32.to_le_bytes());
        b.extend(1u32.to_le_bytes());
        b.extend(1_000_000_000u32.to_le_bytes());
        b.extend([0u8; 32]);
        let e = read(&b).unwrap_err();
        assert!(e.contains("declares 1000000000"), "{e}");
        // Collections nested 100 deep.
        let mut b = Vec::new();
        for _ in 0..100 {
            b.push(1u8);
            b.extend(7u32.to_le_bytes());
            b.extend(1u32.to_le_bytes());
        }
        assert!(read(&b).unwrap_err().contains("nested more than 32"));
        // Truncated, and an unknown byte order.
        assert!(read(&polygon_le(&[(0.0, 0.0)])[..20]).is_err());
        assert!(read(&[7, 1, 0, 0, 0]).unwrap_err().contains("byte order 7"));
    }

    #[test]
    fn what_is_written_reads_back() {
        let sq = Polygon::new(
            LineString::from(vec![(0.0, 0.0), (10.0, 0.0), (10.0, 10.0), (0.0, 0.0)]),
            vec![],
        );
        let shapes = [
            Geometry::Point(Point::new(1.5, -2.0)),
            Geometry::LineString(LineString::from(vec![(0.0, 0.0), (3.0, 4.0)])),
            Geometry::Polygon(sq.clone()),
            Geometry::MultiPolygon(MultiPolygon(vec![sq.clone(), sq])),
            Geometry::GeometryCollection(GeometryCollection(vec![Geometry::Point(Point::new(
                0.0, 1.0,
            ))])),
        ];
        for g in shapes {
            assert_eq!(read_gpkg(&write_gpkg(&g, 4326)).unwrap(), Some(g.clone()));
        }
    }

    #[test]
    fn geopackage_headers_with_and_without_envelopes() {
        let sq = SQUARE;
        // "GP", version 0, flags: little-endian header, envelope [minx maxx miny maxy].
        let mut b = b"GP\x00".to_vec();
        b.push(0b0000_0011);
        b.extend(4547i32.to_le_bytes());
        for v in [0.0f64, 10.0, 0.0, 10.0] {
            b.extend(v.to_le_bytes());
        }
        b.extend(polygon_le(&sq));
        assert!(matches!(read_gpkg(&b).unwrap(), Some(Geometry::Polygon(_))));
        // The empty flag.
        let mut e = b"GP\x00".to_vec();
        e.push(0b0001_0001);
        e.extend(0i32.to_le_bytes());
        assert_eq!(read_gpkg(&e).unwrap(), None);
        assert!(read_gpkg(b"XX\x00\x01\x00\x00\x00\x00").is_err());
    }
}
