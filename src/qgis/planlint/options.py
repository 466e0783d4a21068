"""The options every algorithm shares: the city's policy, the date and the language, as
parameters (PROFILE, AS_OF, LANG) and as the command line's flags."""

from qgis.core import QgsProcessingParameterEnum, QgsProcessingParameterString

from . import helptext

PROFILES = ["anyang-2017", "changzhi-2018", "xuchang-2022", "shangqiu-2018", "wuhan-2017"]
LANGS = ["zh", "en"]


def add(algorithm):
    """Adds PROFILE, AS_OF and LANG (by default QGIS's language) to `algorithm`."""
    profile = QgsProcessingParameterEnum("PROFILE", "Profile (城市政策)", PROFILES, optional=True)
    profile.setUsesStaticStrings(True)
    algorithm.addParameter(profile)
    algorithm.addParameter(QgsProcessingParameterString("AS_OF", "As of (检查日期, YYYY-MM-DD)", optional=True))
    lang = QgsProcessingParameterEnum("LANG", "Language (语言)", LANGS, defaultValue=helptext.lang())
    lang.setUsesStaticStrings(True)
    algorithm.addParameter(lang)


def flags(algorithm, parameters, context):
    """--profile, --as-of and --lang as the parameters give them."""
    out = []
    profile = algorithm.parameterAsEnumString(parameters, "PROFILE", context)
    if profile:
        out += ["--profile", profile]
    as_of = algorithm.parameterAsString(parameters, "AS_OF", context)
    if as_of:
        out += ["--as-of", as_of]
    return out + ["--lang", algorithm.parameterAsEnumString(parameters, "LANG", context) or "zh"]
