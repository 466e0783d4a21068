"""planlint:checkmany — every plan under a folder: the summary table and a report each."""

import csv
import os

from qgis.core import (
    QgsFeature,
    QgsFeatureSink,
    QgsField,
    QgsFields,
    QgsProcessing,
    QgsProcessingAlgorithm,
    QgsProcessingParameterEnum,
    QgsProcessingParameterFeatureSink,
    QgsProcessingParameterFile,
    QgsProcessingParameterFolderDestination,
    QgsWkbTypes,
)
from qgis.PyQt.QtCore import QVariant

from . import command, helptext, options

FORMATS = ["html", "json", "gpkg", "geojson", "csv", "text", "sarif", "junit"]


class CheckMany(QgsProcessingAlgorithm):
    def name(self):
        return "checkmany"

    def displayName(self):  # noqa: N802
        return "Check many plans (批量检查)"

    def shortHelpString(self):  # noqa: N802
        return helptext.text(self.name())

    def createInstance(self):  # noqa: N802
        return CheckMany()

    def initAlgorithm(self, config=None):  # noqa: N802
        self.addParameter(
            QgsProcessingParameterFile(
                "FOLDER", "Folder of plans (规划文件夹)", behavior=QgsProcessingParameterFile.Folder
            )
        )
        options.add(self)
        fmt = QgsProcessingParameterEnum("FORMAT", "Report format (报告格式)", FORMATS, defaultValue="html")
        fmt.setUsesStaticStrings(True)
        self.addParameter(fmt)
        self.addParameter(
            QgsProcessingParameterFeatureSink("OUTPUT", "Summary (汇总表)", QgsProcessing.TypeVector)
        )
        self.addParameter(QgsProcessingParameterFolderDestination("REPORTS", "Reports (检查报告)"))

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802
        root = self.parameterAsFile(parameters, "FOLDER", context)
        # Each report's path in the summary is whole, whatever the folder was given as.
        reports = os.path.abspath(self.parameterAsString(parameters, "REPORTS", context))
        os.makedirs(reports, exist_ok=True)
        fmt = self.parameterAsEnumString(parameters, "FORMAT", context) or "html"
        args = [command.binary(), "check", "--recursive", root, "--output-dir", reports, "--format", fmt]
        args += options.flags(self, parameters, context)
        # A plan that cannot be checked is a row of the summary, not a failed run.
        command.run(args, feedback)
        with open(os.path.join(reports, "summary.csv"), encoding="utf-8", newline="") as f:
            rows = list(csv.DictReader(f))
            columns = list(rows[0].keys()) if rows else []
        # A column of whole numbers (the exit status, the counts) is a number; the rest text.
        counts = {
            c
            for c in columns
            if any(r[c] for r in rows) and all(r[c].isdigit() for r in rows if r[c])
        }
        fields = QgsFields()
        for c in columns:
            fields.append(QgsField(c, QVariant.Int if c in counts else QVariant.String))
        sink, dest = self.parameterAsSink(parameters, "OUTPUT", context, fields, QgsWkbTypes.NoGeometry)
        for row in rows:
            feature = QgsFeature(fields)
            for c in columns:
                value = row[c]
                if c == "report" and value:
                    value = os.path.join(reports, value)
                feature[c] = (int(value) if value else None) if c in counts else value
            sink.addFeature(feature, QgsFeatureSink.FastInsert)
        failing = sum(1 for r in rows if r.get("status") == "checked" and r.get("exit") == "1")
        broken = sum(1 for r in rows if r.get("status") != "checked")
        feedback.pushInfo(f"{len(rows)} plans: {failing} failing, {broken} could not be checked")
        return {"OUTPUT": dest, "REPORTS": reports}
