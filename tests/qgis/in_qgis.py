"""The plugin driven as a QGIS user drives it, in QGIS's own Python (headless): layers
open in a project, a selection, a layer's encoding set in its properties, results loaded
into the project and styled. Run by tests/qgis.rs:

    QT_QPA_PLATFORM=offscreen /usr/bin/python3 tests/qgis/in_qgis.py CASE ARGS…

selected OUT     fixtures/basic with compounds A and B selected, selected features only
gbk OUT          fixtures/gbk-shapefile's 小区.shp opened with its encoding set to GBK
loaded PLAN DIR PNG  a plan run and loaded into the project (runAndLoadResults): prints the
                 layers it made, their styles and counts as JSON, renders the map to PNG
fixed PLAN CITY DIR  planlint:fixplan on a submission in its city, loaded into the project:
                 prints the layers it made, their styles and counts as JSON
"""

import json
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.append("/usr/share/qgis/python/plugins")
sys.path.insert(0, os.path.join(ROOT, "src", "qgis"))

from qgis.core import (  # noqa: E402
    QgsApplication,
    QgsFillSymbol,
    QgsMapRendererParallelJob,
    QgsMapSettings,
    QgsProcessingFeatureSourceDefinition,
    QgsProject,
    QgsRectangle,
    QgsVectorLayer,
)
from qgis.PyQt.QtCore import QSize, Qt  # noqa: E402
from qgis.PyQt.QtGui import QColor, QFont, QPainter, QPen  # noqa: E402

app = QgsApplication([], False)
app.initQgis()
from processing.core.Processing import Processing  # noqa: E402

Processing.initialize()
import processing  # noqa: E402
from planlint.provider import PlanlintProvider  # noqa: E402

provider = PlanlintProvider()  # the registry does not keep the Python object alive
QgsApplication.processingRegistry().addProvider(provider)
project = QgsProject.instance()


def path(*parts):
    return os.path.join(ROOT, *parts)


def layer(source, name):
    found = QgsVectorLayer(source, name, "ogr")
    assert found.isValid(), source
    project.addMapLayer(found)
    return found


def selected(out):
    basic = path("fixtures", "basic")
    compounds = layer(os.path.join(basic, "compounds.geojson"), "compounds")
    compounds.selectByExpression("\"id\" IN ('A', 'B')")
    assert compounds.selectedFeatureCount() == 2
    processing.run(
        "planlint:checkplan",
        {
            "COMPOUNDS": QgsProcessingFeatureSourceDefinition(compounds.id(), True),
            "FACILITIES": os.path.join(basic, "facilities.geojson"),
            "UNITS": os.path.join(basic, "units.geojson"),
            "PHASES": os.path.join(basic, "phases.csv"),
            "PROFILE": "anyang-2017",
            "AS_OF": "2024-06-30",
            "LANG": "en",
            "OUTPUT": out,
        },
    )


def gbk(out):
    folder = path("fixtures", "gbk-shapefile")
    compounds = layer(os.path.join(folder, "小区.shp"), "小区")
    # No .cpg: QGIS reads the names wrongly until the layer's encoding is set (Layer
    # Properties › Source › Data source encoding), as a user does.
    compounds.setProviderEncoding("GBK")
    names = [f.name() for f in compounds.fields()]
    assert "住户数" in names, names
    assert compounds.crs().authid() == "EPSG:4548", compounds.crs().authid()
    processing.run(
        "planlint:checkplan",
        {"PLAN": folder, "COMPOUNDS": compounds.id(), "LANG": "en", "OUTPUT": out},
    )


def loaded(plan, folder, png):
    """A plan run with its results loaded into the project, the plan's units (and roads)
    drawn under them."""
    units = layer(os.path.join(plan, "units.geojson"), "units")
    units.renderer().setSymbol(
        QgsFillSymbol.createSimple({"color": "244,241,234,90", "outline_color": "#8a8a8a", "outline_width": "0.3"})
    )
    under = [units]
    if os.path.exists(os.path.join(plan, "roads.geojson")):
        roads = layer(os.path.join(plan, "roads.geojson"), "roads")
        roads.renderer().symbol().setColor(QColor("#c8c8c8"))
        under.insert(0, roads)
    parameters = {"PLAN": plan, "LANG": "zh", "OUTPUT": os.path.join(folder, "findings.gpkg")}
    if len(under) > 1:
        parameters["SERVICE_AREAS"] = os.path.join(folder, "service_areas.gpkg")
    results = processing.runAndLoadResults("planlint:checkplan", parameters)
    made = [l for l in project.mapLayers().values() if l not in under]
    print(json.dumps({"results": {k: str(v) for k, v in results.items()}, "layers": described(made)}, ensure_ascii=False))
    # The map: units, roads, service areas, then the findings, the polygons on top.
    spatial = sorted((l for l in made if l.isSpatial()), key=lambda l: l.geometryType())
    settings = QgsMapSettings()
    settings.setLayers(list(reversed(spatial)) + under)
    settings.setDestinationCrs(units.crs())
    # The units with room on the right for the legend.
    extent = QgsRectangle(units.extent())
    extent.scale(1.04)
    extent.setXMaximum(extent.xMaximum() + 0.3 * extent.width())
    settings.setExtent(extent)
    settings.setOutputSize(QSize(1300, 760))
    settings.setBackgroundColor(QColor("white"))
    job = QgsMapRendererParallelJob(settings)
    job.start()
    job.waitForFinished()
    image = job.renderedImage()
    legend(image, [l for l in made if l.source().endswith("geometrytype=Polygon")][0])
    assert image.save(png, "png"), png


def legend(image, findings):
    """The compounds' classes of the findings layer's style, drawn in a corner of `image`."""
    painter = QPainter(image)
    painter.setRenderHint(QPainter.Antialiasing)
    font = QFont("WenQuanYi Micro Hei")
    font.setPixelSize(15)
    painter.setFont(font)
    compounds = [r for r in findings.renderer().rootRule().children() if r.label().startswith("小区")][0]
    rows = compounds.children()
    x, y = image.width() - 250, 24
    painter.fillRect(x - 8, y - 8, 250, 24 * len(rows) + 10, QColor(255, 255, 255, 230))
    for i, r in enumerate(reversed(rows)):
        painter.fillRect(x, y + 24 * i, 26, 17, r.symbol().color())
        painter.drawText(x + 36, y + 24 * i + 14, r.label())
    y += 24 * len(rows) + 12
    pen = QPen(QColor("#d7191c"), 2.5, Qt.DashLine)
    painter.setPen(pen)
    painter.drawRect(x, y, 26, 17)
    painter.setPen(QPen(QColor("#1f78b4"), 2.5))
    painter.drawLine(x, y + 24 + 9, x + 26, y + 24 + 9)
    painter.setPen(QPen(QColor("black")))
    painter.drawText(x + 36, y + 14, "单元的结果（边框）units")
    painter.drawText(x + 36, y + 24 + 14, "服务范围 service areas")
    painter.end()


def described(layers):
    """The layers' names, sources, feature counts and styles, as JSON makes them."""
    return [
        {
            "name": l.name(),
            "source": l.source(),
            "features": l.featureCount(),
            "renderer": l.renderer().type() if l.isSpatial() else None,
            "rules": [r.label() for r in l.renderer().rootRule().descendants()]
            if l.isSpatial() and l.renderer().type() == "RuleRenderer"
            else [],
            "order_by": l.renderer().orderByEnabled() if l.isSpatial() else False,
        }
        for l in layers
    ]


def fixed(plan, city, folder):
    """A submission fixed in its city, its results loaded into the project."""
    parameters = {
        "PLAN": plan,
        "CITY": city,
        "LANG": "zh",
        "FIXED": os.path.join(folder, "fixed"),
        "OUTPUT": os.path.join(folder, "findings.gpkg"),
        "REMEDIES": os.path.join(folder, "remedies.gpkg"),
    }
    results = processing.runAndLoadResults("planlint:fixplan", parameters)
    made = list(project.mapLayers().values())
    print(json.dumps({"results": {k: str(v) for k, v in results.items()}, "layers": described(made)}, ensure_ascii=False))


def main():
    case, *args = sys.argv[1:]
    {"selected": selected, "gbk": gbk, "loaded": loaded, "fixed": fixed}[case](*args)
    project.clear()
    app.exitQgis()


if __name__ == "__main__":
    main()
