"""planlint:checkplan — check a plan: QGIS layers, or a plan folder or GeoPackage."""

import os
import shutil
import tempfile

from qgis.core import (
    QgsFeatureSink,
    QgsProcessing,
    QgsProcessingAlgorithm,
    QgsProcessingException,
    QgsProcessingParameterFeatureSink,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterFile,
    QgsProcessingParameterFileDestination,
    QgsVectorLayer,
    QgsWkbTypes,
)

from . import command, helptext, missing, options, rejected, styles

# The layer parameters (each handed to the command as --compounds and so on), their labels
# and the geometry they take.
LAYERS = [
    ("COMPOUNDS", "居住小区 compounds", [QgsProcessing.TypeVectorPolygon]),
    ("FACILITIES", "养老服务设施 facilities", [QgsProcessing.TypeVectorPoint, QgsProcessing.TypeVectorPolygon]),
    ("UNITS", "规划单元 planning units", [QgsProcessing.TypeVectorPolygon]),
    ("ROADS", "步行路网 walking network", [QgsProcessing.TypeVectorLine]),
    ("PHASES", "分期 construction phases (table)", [QgsProcessing.TypeVector]),
]


class CheckPlan(QgsProcessingAlgorithm):
    def name(self):
        return "checkplan"

    def displayName(self):  # noqa: N802
        return "Check a plan (检查规划)"

    def shortHelpString(self):  # noqa: N802
        return helptext.text(self.name())

    def createInstance(self):  # noqa: N802
        return CheckPlan()

    def initAlgorithm(self, config=None):  # noqa: N802
        self.addParameter(
            QgsProcessingParameterFile(
                "PLAN",
                "Plan folder or GeoPackage (规划文件夹)",
                behavior=QgsProcessingParameterFile.File,
                fileFilter="Any (*)",
                optional=True,
            )
        )
        for key, label, types in LAYERS:
            self.addParameter(QgsProcessingParameterFeatureSource(key, label, types, optional=True))
        options.add(self)
        findings = QgsProcessingParameterFeatureSink(
            "OUTPUT", "Findings (检查结果)", QgsProcessing.TypeVectorAnyGeometry
        )
        # A file (a GeoPackage unless said otherwise), even when temporary: it holds
        # polygons, points and rows without geometry, which QGIS shows as one layer each.
        findings.setSupportsNonFileBasedOutput(False)
        self.addParameter(findings)
        self.addParameter(
            QgsProcessingParameterFeatureSink(
                "SERVICE_AREAS",
                "Service areas (服务范围)",
                QgsProcessing.TypeVectorLine,
                optional=True,
                createByDefault=False,
            )
        )
        self.addParameter(
            QgsProcessingParameterFileDestination(
                "REPORT_HTML", "HTML report (检查报告)", "HTML files (*.html)", optional=True, createByDefault=False
            )
        )

    def extra_args(self, parameters, context):
        """What this algorithm adds to the command line (a submission: its city)."""
        return []

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802
        work = tempfile.mkdtemp(prefix="planlint-")
        try:
            return self.check(parameters, context, feedback, work)
        finally:
            shutil.rmtree(work, ignore_errors=True)

    def check(self, parameters, context, feedback, work):
        """The check, its layers and reports in `work`: the outputs copied out of it."""
        args = [command.binary(), "check"]
        plan = self.parameterAsFile(parameters, "PLAN", context)
        if plan:
            args.append(plan)
        layers = os.path.join(work, "layers.gpkg")
        handed, names = [], {}
        for key, _, _ in LAYERS:
            source = self.parameterAsSource(parameters, key, context)
            if source is None:
                continue
            exported = command.export(source, layers, key.lower(), context, feedback)
            args += ["--" + key.lower(), exported]
            handed.append(key.lower())
            names[exported] = key
        if not plan and not handed:
            raise QgsProcessingException("give a plan (PLAN) or its layers (COMPOUNDS, FACILITIES, UNITS…)")
        args += self.extra_args(parameters, context)
        args += options.flags(self, parameters, context)

        report = os.path.join(work, "report.gpkg")
        code = command.run(args + ["--format", "gpkg", "-o", report], feedback)
        rejected.log(report, feedback, names)
        missing.refuse(report, args, handed, work, feedback)
        results = {"OUTPUT": self.copy(report, "findings", "OUTPUT", parameters, context, feedback)}
        styles.on_load(context, results["OUTPUT"], "findings")
        areas = self.copy(report, "service_areas", "SERVICE_AREAS", parameters, context, feedback)
        if areas is not None:
            results["SERVICE_AREAS"] = areas
            styles.on_load(context, areas, "service_areas")
        html = self.parameterAsFileOutput(parameters, "REPORT_HTML", context)
        if html:
            command.run(args + ["--format", "html", "-o", html], feedback)
            results["REPORT_HTML"] = html
        feedback.pushInfo("failing findings: yes" if code == 1 else "failing findings: none")
        return results

    def copy(self, report, layer_name, key, parameters, context, feedback):
        """Copies a layer of planlint's GeoPackage report into the output `key`; none when
        the output is not wanted (or the report has no such layer)."""
        if key != "OUTPUT" and not parameters.get(key):
            return None
        layer = QgsVectorLayer(f"{report}|layername={layer_name}", layer_name, "ogr")
        if not layer.isValid():
            if key == "OUTPUT":
                raise QgsProcessingException(f"planlint wrote no {layer_name} layer")
            return None
        # The findings mix polygons (compounds, units), points (facilities) and rows
        # without geometry (the whole plan): the sink keeps them all.
        wkb = QgsWkbTypes.Unknown if key == "OUTPUT" else layer.wkbType()
        sink, dest = self.parameterAsSink(parameters, key, context, layer.fields(), wkb, layer.crs())
        if sink is None:
            return None
        total = max(layer.featureCount(), 1)
        for i, feature in enumerate(layer.getFeatures()):
            if feedback.isCanceled():
                break
            sink.addFeature(feature, QgsFeatureSink.FastInsert)
            feedback.setProgress(100.0 * i / total)
        return dest
