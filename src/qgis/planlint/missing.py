"""Fields a check found missing, told in the Processing log; a layer handed over without
the field its own features are checked by fails the run.

planlint decides a finding it cannot measure as insufficient data, naming the field
(`details.missing_field`, `missing_from`), and checks every other rule: so does the
plugin, logging each missing field as a warning (a facilities layer without
`family_beds` leaves Xuchang's family-bed rule without data, and nothing else). A layer
picked in QGIS that lacks, altogether, a field a rule needs to check that layer's own
features (compounds without `households`: no compound's floor area per 100 households can
be measured) is most likely the wrong layer, or its field goes by a name planlint does not
know: the run fails, naming the layer and the field, rather than giving a layer of
"insufficient data"."""

import json
import os
from collections import defaultdict

from qgis.core import QgsFeatureRequest, QgsProcessingException, QgsVectorLayer

from . import command


def found(report):
    """{(layer, field): {(rule, subject layer): findings}} of the findings that miss a
    field."""
    layer = QgsVectorLayer(f"{report}|layername=findings", "findings", "ogr")
    request = QgsFeatureRequest().setFilterExpression(
        "\"status\" = 'insufficient_data' AND \"details\" LIKE '%missing_field%'"
    )
    out = defaultdict(lambda: defaultdict(int))
    for feature in layer.getFeatures(request):
        details = json.loads(feature["details"] or "{}")
        field = details.get("missing_field")
        if field:
            rule = (feature["rule"], feature["subject_layer"])
            out[(details.get("missing_from", ""), field)][rule] += 1
    return out


def refuse(report, args, handed, work, feedback):
    """Logs each field the findings miss; fails the run when a layer of `handed` (the
    layer parameters given, lower case) has no such field at all."""
    missed = found(report)
    if not missed:
        return
    for (layer, field), rules in sorted(missed.items()):
        counts = ", ".join(f"{rule} ({n})" for (rule, _), n in sorted(rules.items()))
        feedback.pushWarning(f"{layer}: missing field {field}: insufficient data for {counts}")
    # Only a field a rule checks the layer's own features by can fail the run.
    own = {
        (layer, field): sorted(rule for rule, subject in rules if subject == layer)
        for (layer, field), rules in missed.items()
        if layer in handed
    }
    own = {key: rules for key, rules in own.items() if rules}
    if not own:
        return
    # Which fields the layers have: the JSON report's inputs say (a second, rarer run).
    path = os.path.join(work, "report.json")
    command.run(args + ["--format", "json", "-o", path], feedback)
    with open(path, encoding="utf-8") as f:
        inputs = json.load(f).get("inputs", {})
    absent = [
        (layer, field, rules)
        for (layer, field), rules in sorted(own.items())
        if field not in inputs.get(layer, {}).get("fields", {})
    ]
    if absent:
        why = "; ".join(
            f"{layer.upper()}: the layer has no field {field}, so {', '.join(sorted(rules))} cannot be checked"
            for layer, field, rules in absent
        )
        raise QgsProcessingException(
            f"{why}. Rename the field, or map it in plan.toml's [layers.LAYER.fields]; "
            "`planlint fields` lists each field's usual Chinese names"
        )
