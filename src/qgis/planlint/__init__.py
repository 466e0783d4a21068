"""planlint's QGIS plugin: a Processing provider whose algorithms run the planlint command
on the layers open in QGIS or on a plan on disk."""


def classFactory(iface):  # noqa: N802 (QGIS's name)
    from .plugin import PlanlintPlugin

    return PlanlintPlugin(iface)
