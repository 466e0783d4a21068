"""planlint:fixplan — what to change (整改建议): the fewest remedies that make a plan
comply, the plan with them applied, and its check, as `planlint fix` gives them."""

import os

from qgis.core import (
    QgsFeatureSink,
    QgsProcessing,
    QgsProcessingException,
    QgsProcessingParameterFeatureSink,
    QgsProcessingParameterFile,
    QgsProcessingParameterFolderDestination,
    QgsProcessingParameterNumber,
    QgsProcessingParameterString,
    QgsVectorLayer,
)

from . import command, helptext, options, styles
from .check_plan import CheckPlan


class FixPlan(CheckPlan):
    def name(self):
        return "fixplan"

    def displayName(self):  # noqa: N802
        return "Fix a plan (整改建议)"

    def shortHelpString(self):  # noqa: N802
        return helptext.text(self.name())

    def createInstance(self):  # noqa: N802
        return FixPlan()

    def initAlgorithm(self, config=None):  # noqa: N802
        self.addParameter(
            QgsProcessingParameterFile(
                "PLAN", "Plan folder (规划文件夹)", behavior=QgsProcessingParameterFile.Folder
            )
        )
        self.addParameter(
            QgsProcessingParameterFile(
                "CITY",
                "A submission's city: folder or GeoPackage (城市规划，审查报建项目时)",
                behavior=QgsProcessingParameterFile.File,
                fileFilter="Any (*)",
                optional=True,
            )
        )
        options.add(self)
        self.addParameter(
            QgsProcessingParameterString("SELECT", "Only these rules (规则, comma separated)", optional=True)
        )
        self.addParameter(
            QgsProcessingParameterNumber(
                "TIME_LIMIT",
                "Solver's time limit, s (求解时限)",
                QgsProcessingParameterNumber.Double,
                defaultValue=60.0,
                minValue=0.1,
            )
        )
        self.addParameter(QgsProcessingParameterFolderDestination("FIXED", "Fixed plan (整改后的规划)"))
        findings = QgsProcessingParameterFeatureSink(
            "OUTPUT", "Findings of the fixed plan (整改后检查结果)", QgsProcessing.TypeVectorAnyGeometry
        )
        findings.setSupportsNonFileBasedOutput(False)
        self.addParameter(findings)
        self.addParameter(
            QgsProcessingParameterFeatureSink("REMEDIES", "Remedies (整改措施)", QgsProcessing.TypeVectorPoint)
        )

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802
        plan = self.parameterAsFile(parameters, "PLAN", context)
        fixed = os.path.abspath(self.parameterAsString(parameters, "FIXED", context))
        args = [command.binary(), "fix", plan, "-o", fixed]
        city = self.parameterAsFile(parameters, "CITY", context)
        if city:
            args += ["--context", city]
        selected = self.parameterAsString(parameters, "SELECT", context)
        if selected:
            args += ["--select", selected]
        limit = self.parameterAsDouble(parameters, "TIME_LIMIT", context)
        args += ["--time-limit", str(limit)]
        args += options.flags(self, parameters, context)
        # The fixed plan's report as a GeoPackage too (OUT/report.gpkg): its findings.
        code = command.run(args + ["--format", "gpkg"], feedback)
        report = os.path.join(fixed, "report.gpkg")
        results = {
            "FIXED": fixed,
            "OUTPUT": self.copy(report, "findings", "OUTPUT", parameters, context, feedback),
        }
        styles.on_load(context, results["OUTPUT"], "findings")
        results["REMEDIES"] = self.remedies(fixed, parameters, context, feedback)
        styles.on_load(context, results["REMEDIES"], "remedies")
        feedback.pushInfo(
            "fixable failures left: yes" if code == 1 else "fixable failures left: none"
        )
        return results

    def remedies(self, fixed, parameters, context, feedback):
        """The remedies (OUT/remedies.geojson) into the output REMEDIES."""
        layer = QgsVectorLayer(os.path.join(fixed, "remedies.geojson"), "remedies", "ogr")
        if not layer.isValid():
            raise QgsProcessingException(f"planlint wrote no remedies in {fixed}")
        sink, dest = self.parameterAsSink(
            parameters, "REMEDIES", context, layer.fields(), layer.wkbType(), layer.crs()
        )
        for feature in layer.getFeatures():
            if feedback.isCanceled():
                break
            sink.addFeature(feature, QgsFeatureSink.FastInsert)
        return dest
