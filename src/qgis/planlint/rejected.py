"""The input features planlint did not check, told in the Processing log: file (or layer
parameter), feature (its number in the layer and its id) and why, naming the field, as
the report's `rejected` table of the GeoPackage lists them."""

from qgis.core import QgsVectorLayer

# At most this many lines in the log; the findings layer's file holds them all.
SHOWN = 50


def log(report, feedback, names=None):
    """Warns of each feature of the report's `rejected` table; `names` gives a file's
    name in the log (a layer handed over: its parameter, not the temporary file)."""
    names = names or {}
    table = QgsVectorLayer(f"{report}|layername=rejected", "rejected", "ogr")
    if not table.isValid():
        return
    total = table.featureCount()
    for i, f in enumerate(table.getFeatures()):
        if i == SHOWN:
            feedback.pushWarning(f"… and {total - SHOWN} more features not checked")
            break
        ident = f" ({f['feature_id']})" if f["feature_id"] else ""
        where = names.get(f["path"], f["path"])
        feedback.pushWarning(f"{where} #{f['feature']}{ident}: {f['reason']}")
