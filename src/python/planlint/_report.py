"""The report of a check, as Python reads it: the JSON contract as a dict, the findings
as a pandas DataFrame (or a GeoDataFrame), and every format the command line writes."""

from __future__ import annotations

import json
import os
from functools import cached_property
from typing import TYPE_CHECKING, Any, Optional, Union

from ._planlint import FINDING_COLUMNS, FORMATS

if TYPE_CHECKING:  # pragma: no cover
    import geopandas
    import pandas as pd

PathLike = Union[str, "os.PathLike[str]"]

# The columns of `Report.findings`, in the JSON report's order (the subject flattened):
# the native module's, which builds them.
COLUMNS = list(FINDING_COLUMNS)

# The format a file's extension asks for, as `--format` names it: the command's table of
# formats (the first one of an extension: .txt is the text report), and .htm.
EXTENSIONS: dict[str, str] = {".htm": "html"}
for _name, _extension in FORMATS:
    EXTENSIONS.setdefault("." + _extension, _name)


class Report:
    """A check's report. ``json`` is the JSON report (report.md) as a dict;
    ``findings`` one row per finding; ``summary`` the counts; ``write`` any format."""

    def __init__(self, native: Any, lang: str = "zh") -> None:
        self._native = native
        self.lang = lang

    def __repr__(self) -> str:
        s = self.summary
        return (
            f"<planlint.Report {self.json['profile']['id']} as of {self.json['as_of']}: "
            f"pass {s['pass']}, fail {s['fail']} (errors {s['errors']})>"
        )

    @cached_property
    def json(self) -> dict[str, Any]:
        """The JSON report, as ``planlint check --format json`` writes it."""
        return json.loads(self.to_bytes("json"))

    @property
    def summary(self) -> dict[str, int]:
        """The counts: pass, fail, pending, not_applicable, insufficient_data, skipped,
        errors, warnings, waived."""
        return self.json["summary"]

    @property
    def working_crs(self) -> str:
        """The metric CRS the check measured in."""
        return self._native.working_crs

    @cached_property
    def findings(self) -> pd.DataFrame:
        """One row per finding, in the report's order, with the JSON report's columns and
        values (the subject as ``subject_layer``, ``subject_id``, ``subject_name``)."""
        # pandas is imported when a table is asked for: a check that only writes a
        # report does not wait for it (about 0.2 s).
        import pandas as pd

        return pd.DataFrame(self._native.findings_columns(self.lang), columns=COLUMNS)

    def findings_from_json(self) -> pd.DataFrame:
        """The same table, made by parsing the JSON report (slower; for comparison)."""
        rows = []
        for f in self.json["findings"]:
            subject = f.get("subject", {})
            gap = f.get("gap") or {}
            details = f.get("details") or None
            baseline = f.get("baseline")
            rows.append(
                {
                    **{k: f.get(k) for k in COLUMNS},
                    "subject_layer": subject.get("layer"),
                    "subject_id": subject.get("id"),
                    "subject_name": subject.get("name"),
                    "need": gap.get("need"),
                    "deficit": gap.get("deficit"),
                    "missing_field": (details or {}).get("missing_field"),
                    "waived": (f.get("waived") or {}).get("reason"),
                    "baseline": None
                    if baseline is None
                    else "worse"
                    if baseline["worse"] and baseline["state"] != "new"
                    else baseline["state"],
                    "details": details,
                }
            )
        import pandas as pd

        return pd.DataFrame.from_records(rows, columns=COLUMNS)

    def to_geodataframe(self, crs: Optional[str] = "EPSG:4326") -> "geopandas.GeoDataFrame":
        """The findings with their subjects' geometry (a compound's or unit's polygon, a
        facility's point or parcel; none for the whole plan), in ``crs`` (``None``: the
        working CRS). Needs GeoPandas (``pip install planlint[geo]``)."""
        import geopandas

        wkb = self._native.geometries(crs)
        geometry = geopandas.GeoSeries.from_wkb(wkb, crs=crs or self.working_crs)
        return geopandas.GeoDataFrame(self.findings.copy(), geometry=geometry)

    def to_bytes(self, format: str = "json", lang: Optional[str] = None) -> bytes:
        """The report in a format the command line writes (``json``, ``html``, ``csv``,
        ``geojson``, ``sarif``, ``junit``, ``github``, ``gpkg``, ``text``)."""
        return bytes(self._native.emit(format, lang or self.lang))

    def to_json(self, path: Optional[PathLike] = None) -> Optional[str]:
        """The JSON report: written to ``path``, or returned as text."""
        if path is not None:
            self.write(path, "json")
            return None
        return self.to_bytes("json").decode("utf-8")

    def to_html(self, path: PathLike) -> None:
        """Writes the HTML report: one self-contained page to read, print and file."""
        self.write(path, "html")

    def write(self, path: PathLike, format: Optional[str] = None) -> None:
        """Writes the report to ``path`` in ``format`` (by default, the one its extension
        names: .json, .html, .csv, .geojson, .sarif, .xml, .gpkg, .txt)."""
        if format is None:
            ext = os.path.splitext(os.fspath(path))[1].lower()
            if ext not in EXTENSIONS:
                raise ValueError(f"{path}: give a format, none is known for '{ext}'")
            format = EXTENSIONS[ext]
        self._native.write(os.fspath(path), format, self.lang)
