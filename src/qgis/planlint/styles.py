"""The findings as QGIS shows them: styled by status and severity with the shipped QML
(styles/), one layer per geometry type the findings hold.

A findings layer mixes the polygons of compounds and units, the points of facilities and
rows without geometry (findings about the whole plan); a QGIS layer draws one geometry
type. The layer loaded after a run keeps the polygons (or whichever type comes first), and
the other types join it as layers on the same file, filtered by `geometrytype=`, as QGIS
itself offers when a mixed GeoPackage layer is added."""

import os

from qgis.core import (
    QgsProcessingLayerPostProcessorInterface,
    QgsVectorLayer,
    QgsWkbTypes,
)

STYLES = os.path.join(os.path.dirname(__file__), "styles")
# The OGR provider's geometry type filters, the name each part gets and its style.
PARTS = [
    ("Polygon", "", "findings_polygons.qml"),
    ("Point", " (设施 facilities)", "findings_points.qml"),
    ("None", " (无几何 no geometry)", None),
]


def apply(layer, qml):
    """Applies the shipped style `qml` (a file name of styles/) to `layer`."""
    message, ok = layer.loadNamedStyle(os.path.join(STYLES, qml))
    if not ok:
        raise RuntimeError(f"{qml}: {message}")
    layer.triggerRepaint()


def parts(source):
    """The parts of a findings layer on `source` (an OGR data source): (geometry type
    filter, name suffix, style) of those that hold features."""
    found = []
    for kind, suffix, qml in PARTS:
        probe = QgsVectorLayer(f"{source}|geometrytype={kind}", "probe", "ogr")
        if probe.isValid() and probe.featureCount() > 0:
            found.append((kind, suffix, qml))
    return found


def split(layer, project):
    """Makes `layer` (a findings layer on a file) its first part, styled, and adds the
    others to `project` beside it; all the layers, the first `layer` itself."""
    source = layer.source()
    if layer.providerType() != "ogr":
        if layer.geometryType() == QgsWkbTypes.PointGeometry:
            apply(layer, "findings_points.qml")
        elif layer.geometryType() == QgsWkbTypes.PolygonGeometry:
            apply(layer, "findings_polygons.qml")
        return [layer]
    found = parts(source)
    if not found:
        return [layer]
    name = layer.name()
    layers = []
    for i, (kind, suffix, qml) in enumerate(found):
        uri = f"{source}|geometrytype={kind}"
        if i == 0:
            layer.setDataSource(uri, name + suffix, "ogr")
            part = layer
        else:
            part = QgsVectorLayer(uri, name + suffix, "ogr")
            project.addMapLayer(part)
        if qml:
            apply(part, qml)
        layers.append(part)
    return layers


class FindingsStyle(QgsProcessingLayerPostProcessorInterface):
    """Styles the findings layer once Processing has loaded it."""

    def postProcessLayer(self, layer, context, feedback):  # noqa: N802
        split(layer, context.project())


class RemediesStyle(QgsProcessingLayerPostProcessorInterface):
    """Styles the remedies by action once Processing has loaded them."""

    def postProcessLayer(self, layer, context, feedback):  # noqa: N802
        apply(layer, "remedies.qml")


class LinesStyle(QgsProcessingLayerPostProcessorInterface):
    """Styles the service areas once Processing has loaded them."""

    def postProcessLayer(self, layer, context, feedback):  # noqa: N802
        apply(layer, "service_areas.qml")


# Processing takes each post-processor over and deletes it after its run; the Python
# objects stay referenced here meanwhile (the last few runs' only).
_alive = []


def on_load(context, dest, what):
    """Styles the output `dest` (`findings`, `service_areas` or `remedies`) when the run
    loads it into the project."""
    if not context.willLoadLayerOnCompletion(dest):
        return
    processor = {"findings": FindingsStyle, "remedies": RemediesStyle}.get(what, LinesStyle)()
    _alive.append(processor)
    del _alive[:-16]
    context.layerToLoadOnCompletionDetails(dest).setPostProcessor(processor)
