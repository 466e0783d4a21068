"""Running the planlint command from QGIS: where it is, and handing it QGIS layers."""

import json
import os
import shutil
import subprocess
import sysconfig

from qgis.core import (
    NULL,
    QgsField,
    QgsFields,
    QgsProcessingException,
    QgsSettings,
    QgsVectorFileWriter,
)
from qgis.PyQt.QtCore import QVariant

SETTING = "planlint/binary"


def binary():
    """The planlint command: the environment's PLANLINT_BINARY, else the setting
    planlint/binary, else the one `pip install planlint` put in the scripts of QGIS's
    Python (the system's or the user's), else the PATH's."""
    scripts = [sysconfig.get_path("scripts")]
    try:
        scripts.append(sysconfig.get_path("scripts", f"{os.name}_user"))
    except KeyError:
        pass
    candidates = [
        os.environ.get("PLANLINT_BINARY"),
        QgsSettings().value(SETTING, "", type=str),
        *(os.path.join(d, "planlint") for d in scripts if d),
        shutil.which("planlint"),
    ]
    for c in candidates:
        if c and os.path.isfile(c) and os.access(c, os.X_OK):
            return c
    raise QgsProcessingException(
        "planlint not found: `pip install planlint` in QGIS's Python, put planlint on the "
        "PATH, or set its path in the setting planlint/binary (or PLANLINT_BINARY)"
    )


# The field types a GeoPackage stores; any other (a GeoJSON property whose values mix
# numbers and text comes as JSON) is handed over as text, which planlint reads as it reads
# text in any file: numbers parse, anything else rejects that feature, naming the field.
STORED = {
    QVariant.Int,
    QVariant.UInt,
    QVariant.LongLong,
    QVariant.ULongLong,
    QVariant.Double,
    QVariant.String,
    QVariant.Bool,
    QVariant.Date,
    QVariant.DateTime,
    QVariant.Time,
}


def as_text(value):
    """A value of a field handed over as text."""
    if value is None or value == NULL:
        return None
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def export(source, path, layer, context, feedback):
    """Writes a feature source (its selected features only, when the user asked so) into
    the GeoPackage `path` as `layer`, fields, names and CRS unchanged (a type GeoPackage
    lacks, as text); `path:layer` for the command line."""
    fields = QgsFields()
    texts = []
    for i, f in enumerate(source.fields()):
        if f.type() in STORED:
            fields.append(QgsField(f))
        else:
            fields.append(QgsField(f.name(), QVariant.String))
            texts.append(i)
    options = QgsVectorFileWriter.SaveVectorOptions()
    options.driverName = "GPKG"
    options.layerName = layer
    options.fileEncoding = "UTF-8"
    if os.path.exists(path):
        options.actionOnExistingFile = QgsVectorFileWriter.CreateOrOverwriteLayer
    writer = QgsVectorFileWriter.create(
        path,
        fields,
        source.wkbType(),
        source.sourceCrs(),
        context.transformContext(),
        options,
    )
    if writer.hasError() != QgsVectorFileWriter.NoError:
        raise QgsProcessingException(f"{layer}: {writer.errorMessage()}")
    for feature in source.getFeatures():
        if feedback.isCanceled():
            break
        if texts:
            attributes = feature.attributes()
            for i in texts:
                attributes[i] = as_text(attributes[i])
            feature.setFields(fields, False)
            feature.setAttributes(attributes)
        writer.addFeature(feature)
    del writer
    return f"{path}:{layer}"


def run(args, feedback):
    """Runs planlint; its exit 1 (failing findings) is a result, its exit 2 (what it cannot
    check) an error with its message."""
    feedback.pushCommandInfo(" ".join(args))
    done = subprocess.run(args, capture_output=True)
    err = done.stderr.decode("utf-8", "replace").strip()
    if done.returncode not in (0, 1):
        for line in err.splitlines():
            feedback.reportError(line)
        raise QgsProcessingException(err or f"planlint exited with {done.returncode}")
    for line in err.splitlines():
        feedback.pushInfo(line)
    return done.returncode
