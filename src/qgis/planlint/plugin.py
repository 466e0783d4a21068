"""The plugin: registers the planlint Processing provider (also headless, where QGIS
calls initProcessing and no GUI exists)."""

from qgis.core import QgsApplication

from .provider import PlanlintProvider


class PlanlintPlugin:
    def __init__(self, iface):
        self.iface = iface
        self.provider = None

    def initProcessing(self):  # noqa: N802 (QGIS's name)
        self.provider = PlanlintProvider()
        QgsApplication.processingRegistry().addProvider(self.provider)

    def initGui(self):  # noqa: N802
        self.initProcessing()

    def unload(self):
        if self.provider is not None:
            QgsApplication.processingRegistry().removeProvider(self.provider)
            self.provider = None
