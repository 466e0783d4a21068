"""The Processing provider "planlint"."""

from qgis.core import QgsProcessingProvider

from .check_plan import CheckPlan
from .check_submission import CheckSubmission


class PlanlintProvider(QgsProcessingProvider):
    def id(self):
        return "planlint"

    def name(self):
        return "planlint"

    def longName(self):  # noqa: N802
        return "planlint — 养老服务设施规划检查"

    def loadAlgorithms(self):  # noqa: N802
        self.addAlgorithm(CheckPlan())
        self.addAlgorithm(CheckSubmission())
