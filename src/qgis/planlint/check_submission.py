"""planlint:checksubmission — a development submission checked inside its city."""

from qgis.core import QgsProcessingParameterFile

from .check_plan import CheckPlan

HELP = """Checks a development submission (报建项目) inside its city, as `planlint check
SUBMISSION --context CITY` does.

Give the submission's own layers (compounds, facilities, phases; any layer QGIS has open)
or its folder (PLAN), and the city's plan (CITY: a plan folder or GeoPackage). The
submission's compounds walk the city's roads to the city's facilities and its own, and
the units' totals include it. The findings speak of the submission: a shortfall the city
already had and the submission leaves as it was is info (提示), one it causes or deepens
is an error; area findings say the value before and after the submission (details).

Outputs as for Check a plan: the findings layer (OUTPUT), the service areas and the HTML
report."""


class CheckSubmission(CheckPlan):
    def name(self):
        return "checksubmission"

    def displayName(self):  # noqa: N802
        return "Check a submission in its city (报建项目审查)"

    def shortHelpString(self):  # noqa: N802
        return HELP

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
