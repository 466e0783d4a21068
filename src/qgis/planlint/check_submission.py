"""planlint:checksubmission — a development submission checked inside its city."""

from qgis.core import QgsProcessingParameterFile

from .check_plan import CheckPlan


class CheckSubmission(CheckPlan):
    def name(self):
        return "checksubmission"

    def displayName(self):  # noqa: N802
        return "Check a submission in its city (报建项目审查)"

    def createInstance(self):  # noqa: N802
        return CheckSubmission()

    def initAlgorithm(self, config=None):  # noqa: N802
        super().initAlgorithm(config)
        self.addParameter(
            QgsProcessingParameterFile(
                "CITY",
                "The city's plan: folder or GeoPackage (城市规划)",
                behavior=QgsProcessingParameterFile.File,
                fileFilter="Any (*)",
            )
        )

    def extra_args(self, parameters, context):
        return ["--context", self.parameterAsFile(parameters, "CITY", context)]
