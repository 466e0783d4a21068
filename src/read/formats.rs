//! The formats planlint reads, in one table: which extensions name them, whether a file
//! holds a whole plan, how a layer's CRS is found, and which reader reads them. A plan
//! folder's discovery, `--recursive`, the message for a file of no known format, and
//! `planlint formats` all derive from it: adding a format is adding a row (and its
//! reader).

use std::path::Path;

/// One format a layer can come in.
#[derive(Debug)]
pub struct Format {
    /// Its name, as messages and docs say it.
    pub name: &'static str,
    /// File extensions, lowercase and without the dot (`osm.pbf` for a double one); none
    /// for a database named by its URI.
    pub extensions: &'static [&'static str],
    /// What a file of it can be, in a plan folder.
    pub holds: Holds,
    /// A file of several layers, which can hold a whole plan (`plan.gpkg`, `plan.gdb`).
    pub container: bool,
    /// Where a layer's CRS comes from when plan.toml's `crs` does not give it.
    pub crs: &'static str,
    /// What the file lacks when its CRS cannot be found, for the message that says so.
    pub crs_missing: &'static str,
    /// Read through GDAL: needs planlint built with the cargo feature `gdal`.
    pub gdal: bool,
    pub(super) reader: Reader,
}

/// What a file of a format can be, in a plan folder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Holds {
    /// Any layer with geometry (compounds, facilities, units, roads, candidates); a
    /// container also holds the phases table.
    Features,
    /// Only the walking network (an OpenStreetMap extract).
    Roads,
    /// Only a table without geometry (phases).
    Table,
}

/// Which of planlint's readers reads a format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Reader {
    GeoJson,
    Shapefile,
    GeoPackage,
    PostGis,
    OsmPbf,
    Csv,
    Gdal,
}

const NO_CRS: &str = "no CRS in the file";

/// Every format, in the order a plan folder's layer files are looked for.
pub static FORMATS: &[Format] = &[
    Format {
        name: "GeoJSON",
        extensions: &["geojson", "json"],
        holds: Holds::Features,
        container: false,
        crs: "the `crs` member, else WGS 84 lon/lat (RFC 7946)",
        crs_missing: "no crs member",
        gdal: false,
        reader: Reader::GeoJson,
    },
    Format {
        name: "ESRI Shapefile",
        extensions: &["shp"],
        holds: Holds::Features,
        container: false,
        crs: "the `.prj`, else lon/lat when every coordinate looks like lon/lat",
        crs_missing: "no .prj",
        gdal: false,
        reader: Reader::Shapefile,
    },
    Format {
        name: "GeoPackage",
        extensions: &["gpkg"],
        holds: Holds::Features,
        container: true,
        crs: "the layer's SRS",
        crs_missing: NO_CRS,
        gdal: false,
        reader: Reader::GeoPackage,
    },
    Format {
        name: "PostGIS",
        extensions: &[],
        holds: Holds::Features,
        container: true,
        crs: "the column's SRID",
        crs_missing: "SRID 0",
        gdal: false,
        reader: Reader::PostGis,
    },
    Format {
        name: "OpenStreetMap PBF",
        extensions: &["osm.pbf"],
        holds: Holds::Roads,
        container: false,
        crs: "WGS 84 lon/lat",
        crs_missing: NO_CRS,
        gdal: false,
        reader: Reader::OsmPbf,
    },
    Format {
        name: "CSV",
        extensions: &["csv"],
        holds: Holds::Table,
        container: false,
        crs: "(no geometry)",
        crs_missing: NO_CRS,
        gdal: false,
        reader: Reader::Csv,
    },
    Format {
        name: "File Geodatabase",
        extensions: &["gdb"],
        holds: Holds::Features,
        container: true,
        crs: "the feature class's spatial reference",
        crs_missing: NO_CRS,
        gdal: true,
        reader: Reader::Gdal,
    },
    Format {
        name: "MapInfo",
        extensions: &["tab", "mif"],
        holds: Holds::Features,
        container: false,
        crs: "the file's CoordSys",
        crs_missing: NO_CRS,
        gdal: true,
        reader: Reader::Gdal,
    },
    Format {
        name: "KML",
        extensions: &["kml"],
        holds: Holds::Features,
        container: false,
        crs: "WGS 84 lon/lat",
        crs_missing: NO_CRS,
        gdal: true,
        reader: Reader::Gdal,
    },
    Format {
        name: "GML",
        extensions: &["gml"],
        holds: Holds::Features,
        container: false,
        crs: "the srsName",
        crs_missing: NO_CRS,
        gdal: true,
        reader: Reader::Gdal,
    },
    Format {
        name: "DXF",
        extensions: &["dxf"],
        holds: Holds::Features,
        container: false,
        crs: "none in the file: set it in plan.toml unless lon/lat",
        crs_missing: NO_CRS,
        gdal: true,
        reader: Reader::Gdal,
    },
    Format {
        name: "FlatGeobuf",
        extensions: &["fgb"],
        holds: Holds::Features,
        container: false,
        crs: "the header's CRS",
        crs_missing: NO_CRS,
        gdal: true,
        reader: Reader::Gdal,
    },
];

impl Format {
    /// Whether this build reads it.
    pub fn available(&self) -> bool {
        !self.gdal || cfg!(feature = "gdal")
    }
}

/// The formats this build reads.
pub fn available() -> impl Iterator<Item = &'static Format> {
    FORMATS.iter().filter(|f| f.available())
}

/// The format of a file, by its extension (a double one first), whether or not this
/// build reads it.
pub fn of_path(path: &Path) -> Option<&'static Format> {
    let name = path.file_name()?.to_str()?.to_ascii_lowercase();
    let ends = |ext: &str| {
        name.len() > ext.len() + 1
            && name.ends_with(ext)
            && name.as_bytes()[name.len() - ext.len() - 1] == b'.'
    };
    let dotted = |f: &&Format| f.extensions.iter().any(|e| e.contains('.') && ends(e));
    let single = |f: &&Format| f.extensions.iter().any(|e| !e.contains('.') && ends(e));
    FORMATS
        .iter()
        .find(dotted)
        .or_else(|| FORMATS.iter().find(single))
}

/// The PostGIS row of the table.
pub fn postgis() -> &'static Format {
    FORMATS
        .iter()
        .find(|f| f.reader == Reader::PostGis)
        .expect("the table has PostGIS")
}

/// The extensions a layer's file is found by in a plan folder (`compounds.geojson`,
/// `compounds.shp`…), in this order: every format of this build with geometry, in the
/// table's order; roads then an OpenStreetMap extract; phases a CSV file, else a
/// GeoPackage's table.
pub fn layer_extensions(layer: &str) -> Vec<&'static str> {
    let of = |keep: &dyn Fn(&Format) -> bool| -> Vec<&'static str> {
        available()
            .filter(|f| keep(f))
            .flat_map(|f| f.extensions.iter().copied())
            .collect()
    };
    let features = of(&|f| f.holds == Holds::Features);
    match layer {
        "phases" => [
            of(&|f| f.holds == Holds::Table),
            of(&|f| f.container && !f.gdal),
        ]
        .concat(),
        "roads" => [features, of(&|f| f.holds == Holds::Roads)].concat(),
        _ => features,
    }
}

/// The file names a whole plan in a folder can have: `plan.gpkg`, and with GDAL
/// `plan.gdb`.
pub fn plan_containers() -> Vec<String> {
    available()
        .filter(|f| f.container)
        .flat_map(|f| f.extensions.iter().map(|e| format!("plan.{e}")))
        .collect()
}

/// The formats this build reads, for a message: `.geojson, .json, .shp, .gpkg, a
/// postgresql:// URI, or .osm.pbf for roads`.
pub fn listed() -> String {
    let mut with_geometry: Vec<String> = Vec::new();
    for f in available().filter(|f| f.holds == Holds::Features) {
        match f.extensions {
            [] => with_geometry.push("a postgresql:// URI".into()),
            exts => with_geometry.extend(exts.iter().map(|e| format!(".{e}"))),
        }
    }
    let roads: Vec<String> = available()
        .filter(|f| f.holds == Holds::Roads)
        .flat_map(|f| f.extensions.iter().map(|e| format!(".{e}")))
        .collect();
    format!(
        "{}, or {} for roads",
        with_geometry.join(", "),
        roads.join(", ")
    )
}

/// The table, as `planlint formats` prints it and the README shows it.
pub fn table() -> String {
    let mut o = String::new();
    for f in FORMATS {
        let exts: Vec<String> = f.extensions.iter().map(|e| format!(".{e}")).collect();
        let exts = if exts.is_empty() {
            "postgresql://…".to_string()
        } else {
            exts.join(" ")
        };
        let holds = match (f.holds, f.container) {
            (Holds::Features, true) => "layers, or a whole plan",
            (Holds::Features, false) => "a layer",
            (Holds::Roads, _) => "roads",
            (Holds::Table, _) => "phases",
        };
        let build = match (f.gdal, f.available()) {
            (false, _) => "",
            (true, true) => "GDAL",
            (true, false) => "only with --features gdal",
        };
        o.push_str(&format!(
            "{:<19} {:<16} {:<24} {:<25} CRS: {}\n",
            f.name, exts, holds, build, f.crs
        ));
    }
    o
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_are_found_by_extension_a_double_one_first() {
        let name = |p: &str| of_path(Path::new(p)).map(|f| f.name);
        assert_eq!(name("a/compounds.GeoJSON"), Some("GeoJSON"));
        assert_eq!(name("roads.osm.pbf"), Some("OpenStreetMap PBF"));
        assert_eq!(name("city.gdb"), Some("File Geodatabase"));
        assert_eq!(name("compounds.txt"), None);
        assert_eq!(name("gpkg"), None);
    }

    #[test]
    fn a_folder_looks_for_every_format_with_geometry_in_the_tables_order() {
        let exts = layer_extensions("compounds");
        assert_eq!(&exts[..4], ["geojson", "json", "shp", "gpkg"]);
        assert!(!exts.contains(&"osm.pbf") && !exts.contains(&"csv"));
        assert_eq!(exts.contains(&"gdb"), cfg!(feature = "gdal"));
        assert!(layer_extensions("roads").contains(&"osm.pbf"));
        assert_eq!(layer_extensions("phases"), ["csv", "gpkg"]);
        assert_eq!(layer_extensions("roads").last(), Some(&"osm.pbf"));
    }

    #[test]
    fn the_message_lists_what_this_build_reads() {
        let listed = listed();
        assert!(listed.starts_with(".geojson, .json, .shp, .gpkg, a postgresql:// URI"));
        assert!(listed.ends_with("or .osm.pbf for roads"));
    }
}
