"""Writes the plugin's styles (planlint/styles/*.qml) with QGIS's own classes, so that
they load in QGIS 3.22 and later. Run with QGIS's Python when a colour or class changes:

    QT_QPA_PLATFORM=offscreen /usr/bin/python3 src/qgis/make_styles.py
"""

import os

from qgis.core import (
    QgsApplication,
    QgsFeatureRequest,
    QgsFillSymbol,
    QgsLineSymbol,
    QgsMarkerSymbol,
    QgsRuleBasedRenderer,
    QgsSingleSymbolRenderer,
    QgsVectorLayer,
)

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "planlint", "styles")

# Each class of finding: its filter, label and colour, the worst last (drawn on top).
CLASSES = [
    ("not_applicable", "\"status\" = 'not_applicable'", "不适用 not applicable", "#d9d9d9"),
    ("pass", "\"status\" = 'pass'", "符合 pass", "#1a9641"),
    ("insufficient_data", "\"status\" = 'insufficient_data'", "数据不足 insufficient data", "#8c8c8c"),
    ("pending", "\"status\" = 'pending'", "待定 pending", "#2c7bb6"),
    ("fail-info", "\"status\" = 'fail' AND \"severity\" = 'info'", "不符合（提示）fail, info", "#fee08b"),
    ("fail-warning", "\"status\" = 'fail' AND \"severity\" = 'warning'", "不符合（警告）fail, warning", "#fd8d3c"),
    ("fail-error", "\"status\" = 'fail' AND \"severity\" = 'error'", "不符合（错误）fail, error", "#d7191c"),
]
# Units first, then compounds and facilities; within each, the classes above in order.
RANK = "CASE " + " ".join(f"WHEN {f} THEN {i}" for i, (_, f, _, _) in enumerate(CLASSES)) + " ELSE -1 END"
ORDER = QgsFeatureRequest.OrderBy(
    [
        QgsFeatureRequest.OrderByClause("\"subject_layer\" = 'units'", False),
        QgsFeatureRequest.OrderByClause(RANK, True),
    ]
)


def rgba(colour, alpha):
    """`colour` (#rrggbb) with `alpha` (0–255), as QGIS's symbol properties write it."""
    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"{r},{g},{b},{alpha}"


def rule(symbol, label, expression):
    r = QgsRuleBasedRenderer.Rule(symbol, 0, 0, expression, label)
    return r


def polygons():
    root = QgsRuleBasedRenderer.Rule(None)
    units = rule(None, "单元 units", "\"subject_layer\" = 'units'")
    others = rule(None, "小区 compounds", "\"subject_layer\" <> 'units'")
    for _, f, label, colour in CLASSES:
        units.appendChild(
            rule(
                QgsFillSymbol.createSimple(
                    {"style": "no", "outline_color": colour, "outline_width": "0.9", "outline_style": "dash"}
                ),
                label,
                f,
            )
        )
        others.appendChild(
            rule(
                QgsFillSymbol.createSimple(
                    {"color": rgba(colour, 235), "outline_color": "#404040", "outline_width": "0.2"}
                ),
                label,
                f,
            )
        )
    root.appendChild(units)
    root.appendChild(others)
    return root


def points():
    root = QgsRuleBasedRenderer.Rule(None)
    for _, f, label, colour in CLASSES:
        root.appendChild(
            rule(
                QgsMarkerSymbol.createSimple(
                    {"name": "circle", "size": "3.2", "color": colour, "outline_color": "#ffffff", "outline_width": "0.4"}
                ),
                label,
                f,
            )
        )
    return root


# Each action of a remedy: its label, marker and colour (a new site stands out).
ACTIONS = [
    ("advance", "提前建成 advance", "triangle", "#6a3d9a", "3.6"),
    ("enlarge", "扩建 enlarge", "square", "#1f78b4", "3.6"),
    ("add", "新建 add", "star", "#ff7f00", "5.5"),
]


def remedies():
    root = QgsRuleBasedRenderer.Rule(None)
    for action, label, shape, colour, size in ACTIONS:
        root.appendChild(
            rule(
                QgsMarkerSymbol.createSimple(
                    {"name": shape, "size": size, "color": colour, "outline_color": "#ffffff", "outline_width": "0.4"}
                ),
                label,
                f"\"action\" = '{action}'",
            )
        )
    return root


def write(uri, renderer, name):
    layer = QgsVectorLayer(uri, name, "memory")
    renderer.setOrderBy(ORDER)
    renderer.setOrderByEnabled(True)
    layer.setRenderer(renderer)
    path = os.path.join(HERE, name + ".qml")
    message, ok = layer.saveNamedStyle(path)
    assert ok, message
    print(path)


def main():
    fields = "field=status:string&field=severity:string&field=subject_layer:string"
    write(f"MultiPolygon?{fields}", QgsRuleBasedRenderer(polygons()), "findings_polygons")
    write(f"Point?{fields}", QgsRuleBasedRenderer(points()), "findings_points")
    layer = QgsVectorLayer("Point?field=action:string", "remedies", "memory")
    layer.setRenderer(QgsRuleBasedRenderer(remedies()))
    message, ok = layer.saveNamedStyle(os.path.join(HERE, "remedies.qml"))
    assert ok, message
    lines = QgsSingleSymbolRenderer(
        QgsLineSymbol.createSimple({"line_color": "#1f78b4", "line_width": "0.7", "capstyle": "round"})
    )
    layer = QgsVectorLayer("LineString", "service_areas", "memory")
    layer.setRenderer(lines)
    message, ok = layer.saveNamedStyle(os.path.join(HERE, "service_areas.qml"))
    assert ok, message


if __name__ == "__main__":
    app = QgsApplication([], False)
    app.initQgis()
    main()
    app.exitQgis()
