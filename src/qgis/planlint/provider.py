"""The Processing provider "planlint"."""

import os

from qgis.core import QgsProcessingProvider
from qgis.PyQt.QtGui import QIcon

from .check_many import CheckMany
from .check_plan import CheckPlan
from .check_submission import CheckSubmission
from .fix_plan import FixPlan


class PlanlintProvider(QgsProcessingProvider):
    def id(self):
        return "planlint"

    def name(self):
        return "planlint"

    def icon(self):
        return QIcon(os.path.join(os.path.dirname(__file__), "icon.svg"))

    def longName(self):  # noqa: N802
        return "planlint — 养老服务设施规划检查"

    def loadAlgorithms(self):  # noqa: N802
        self.addAlgorithm(CheckPlan())
        self.addAlgorithm(CheckSubmission())
        self.addAlgorithm(CheckMany())
        self.addAlgorithm(FixPlan())
