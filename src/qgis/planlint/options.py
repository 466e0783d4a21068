"""The options every algorithm shares: the city's policy, the date and the language, as
parameters (PROFILE, AS_OF, LANG) and as the command line's flags."""

import subprocess

from qgis.core import QgsProcessingException, QgsProcessingParameterEnum, QgsProcessingParameterString

from . import command, helptext

# The built-in profiles when the command cannot be asked (it lists them: `planlint
# profiles`).
KNOWN = ["anyang-2017", "changzhi-2018", "shangqiu-2018", "wuhan-2017", "xuchang-2022"]
LANGS = ["zh", "en"]

_profiles = None


def profiles():
    """The ids of the command's built-in profiles, asked once."""
    global _profiles
    if _profiles is None:
        try:
            done = subprocess.run([command.binary(), "profiles"], capture_output=True, timeout=30)
            ids = [line.split()[0] for line in done.stdout.decode("utf-8", "replace").splitlines() if line.strip()]
            _profiles = ids if done.returncode == 0 and ids else KNOWN
        except (QgsProcessingException, OSError, subprocess.SubprocessError):
            _profiles = KNOWN
    return _profiles


def add(algorithm):
    """Adds PROFILE, AS_OF and LANG (by default QGIS's language) to `algorithm`."""
    profile = QgsProcessingParameterEnum("PROFILE", "Profile (城市政策)", profiles(), optional=True)
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
