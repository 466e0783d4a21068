"""planlint: checks city development plans against the elder-care facility planning
rules of Chinese cities (养老服务设施规划检查).

The same check as the ``planlint`` command, from Python::

    import planlint

    report = planlint.check("data/sample")            # a folder, a .gpkg or a PostgreSQL URI
    report.summary                                    # {'pass': 81, 'fail': 64, ...}
    failing = report.findings.query("status == 'fail'")
    report.to_geodataframe().explore(column="status")  # with planlint[geo]
    report.to_html("report.html")

The check runs in Rust with the GIL released; what cannot be checked raises a
``PlanlintError`` (``PlanError`` for a layer or file, naming it in ``.file``), as the
command line exits 2.
"""

from __future__ import annotations

import atexit
import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any, Callable, Mapping, Optional, Union

# The native module allocates through mimalloc, which reads its settings when the module
# loads. Without transparent huge pages: on virtual machines (where the host backs memory
# lazily) the first touch of each 2 MiB page made a 10k-compound check take 0.17 to
# 0.43 s instead of a steady 0.13 s. mimalloc then turns them off for the whole process
# (prctl PR_SET_THP_DISABLE); set MIMALLOC_ALLOW_THP=1 before importing planlint to keep
# them.
_SET_THP = "MIMALLOC_ALLOW_THP" not in os.environ
if _SET_THP:
    os.environ["MIMALLOC_ALLOW_THP"] = "0"

from . import _planlint  # noqa: E402

if _SET_THP:
    del os.environ["MIMALLOC_ALLOW_THP"]
from ._planlint import (  # noqa: E402
    BaselineError,
    ContextError,
    PlanError,
    PlanlintError,
    ProfileError,
    RequestError,
)
from ._report import Report  # noqa: E402

# fix stops waiting for HiGHS at its time limit; HiGHS then ends its stage on a thread of
# its own. An interpreter exiting meanwhile waits for it (at most a minute), so that the
# solver's C++ library is not torn down under it.
atexit.register(_planlint.wait_for_solvers, 60.0)

__version__: str = _planlint.__version__

__all__ = [
    "check",
    "fix",
    "Fix",
    "profiles",
    "rules",
    "Report",
    "PlanlintError",
    "PlanError",
    "ProfileError",
    "BaselineError",
    "ContextError",
    "RequestError",
    "__version__",
]

PathLike = Union[str, "os.PathLike[str]"]


def _setting(key: str, value: Any) -> str:
    """One ``RULE.KEY=VALUE`` override, as ``--set`` takes it."""
    if isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, (list, tuple, dict)):
        text = json.dumps(value, ensure_ascii=False)
    else:
        text = str(value)
    return f"{key}={text}"


def check(
    plan: PathLike,
    *,
    profile: Optional[str] = None,
    as_of: Optional[str] = None,
    context: Optional[PathLike] = None,
    baseline: Optional[PathLike] = None,
    working_crs: Optional[str] = None,
    lang: Optional[str] = None,
    settings: Optional[Mapping[str, Any]] = None,
    service_areas: bool = False,
    progress: Optional[Callable[[str], None]] = None,
) -> Report:
    """Checks a plan as ``planlint check PLAN`` does and returns its report.

    plan: a plan folder, a ``.gpkg`` holding a whole plan, or a PostgreSQL URI.
    profile: a built-in profile id (``planlint.profiles()``) or a profile file's path;
        by default plan.toml's.
    as_of: the date the check speaks for (``YYYY-MM-DD``); by default plan.toml's, else
        today.
    context: the city's plan, when ``plan`` is a development submission checked inside
        it (``--context``).
    baseline: an earlier JSON report: each finding is marked new, unchanged, changed or
        fixed (``--baseline``).
    working_crs: the metric CRS to measure in; by default plan.toml's, else the
        Gauss-Krüger zone of the plan's centre.
    lang: ``"zh"`` or ``"en"``: the language of the messages in ``findings``, of the
        formats written and of the exceptions' messages where they have both; by default
        the locale's, as the command's ``--lang``: Chinese when ``LC_ALL``,
        ``LC_MESSAGES`` or ``LANG`` (the first one set) starts with ``zh``, else English.
    settings: profile values overridden, ``{"nursing-bed-share.min": 0.35}`` as
        ``--set`` does.
    service_areas: compute the road stretches within the service circle (drawn by
        ``to_html`` and written by ``write(..., "gpkg")``).
    progress: called with each stage's name (``"reading"``, ``"rules"``…) as it starts.

    Raises ``PlanError`` (a layer or file: its ``file``), ``ProfileError``,
    ``BaselineError``, ``ContextError`` or ``RequestError``, all ``PlanlintError``.
    """
    overrides = [_setting(k, v) for k, v in (settings or {}).items()]
    if lang is None:
        lang = _planlint.default_lang()
    native = _planlint.check(
        os.fspath(plan),
        profile=profile,
        as_of=as_of,
        context=None if context is None else os.fspath(context),
        baseline=None if baseline is None else os.fspath(baseline),
        working_crs=working_crs,
        overrides=overrides,
        service_areas=service_areas,
        lang=lang,
        progress=progress,
    )
    return Report(native, lang)


class Fix:
    """What ``planlint fix`` did: the fixed plan's folder (``folder``), its check
    (``report``, with the ``remedy`` summary in ``report.json["remedy"]``), the remedies
    one row each (``remedies``; ``to_geodataframe()`` with their points)."""

    def __init__(self, folder: Path, report: Report, exit_code: int) -> None:
        self.folder = folder
        self.report = report
        #: 0 when every failure left is one no change to the plan can fix, else 1.
        self.exit_code = exit_code

    def __repr__(self) -> str:
        r = self.report.json.get("remedy", {})
        return (
            f"<planlint.Fix {self.folder}: {r.get('remedies', 0)} remedies "
            f"(add {r.get('add', 0)}, enlarge {r.get('enlarge', 0)}, advance {r.get('advance', 0)}), "
            f"{len(r.get('left', []))} failures left>"
        )

    @property
    def summary(self) -> dict[str, Any]:
        """The ``remedy`` summary: counts per action, floor area added, the sites'
        objective, bound and ``optimal``, and the failures left with why."""
        return self.report.json["remedy"]

    @property
    def remedies(self) -> "pandas.DataFrame":
        """One row per remedy: remedy, action, facility_id, name, kind, compound_id,
        floor_area, land_area, beds, nursing_beds, long_term_beds, family_beds, operator,
        medical_care, clinic, completion_date, field, date, fixes (a list of
        ``RULE:SUBJECT``), reason."""
        import pandas

        frame = pandas.read_csv(self.folder / "remedies.csv", dtype=str, keep_default_na=False)
        for column in ("floor_area", "land_area"):
            frame[column] = frame[column].astype(float)
        for column in ("beds", "nursing_beds", "long_term_beds", "family_beds"):
            frame[column] = frame[column].astype(int)
        frame["fixes"] = frame["fixes"].str.split(" ")
        return frame

    def to_geodataframe(self) -> "geopandas.GeoDataFrame":
        """The remedies with their points (WGS 84): a new facility's site, or the facility
        changed."""
        import geopandas

        return geopandas.read_file(self.folder / "remedies.geojson")

    def write(self, folder: PathLike) -> Path:
        """Copies the fixed plan (with remedies.geojson, remedies.csv, report.json) to
        ``folder``, which it makes; returns it."""
        target = Path(os.fspath(folder))
        shutil.copytree(self.folder, target, dirs_exist_ok=True)
        return target


def fix(
    plan: PathLike,
    out: Optional[PathLike] = None,
    *,
    context: Optional[PathLike] = None,
    profile: Optional[str] = None,
    as_of: Optional[str] = None,
    lang: Optional[str] = None,
    settings: Optional[Mapping[str, Any]] = None,
    select: Optional[list[str]] = None,
    ignore: Optional[list[str]] = None,
    time_limit: float = 60.0,
) -> Fix:
    """Fixes a plan as ``planlint fix PLAN -o OUT`` does: the fewest remedies, the plan
    with them applied written to ``out`` (by default a new temporary folder), and its
    check. ``context``, ``profile``, ``as_of``, ``lang`` and ``settings`` as for
    ``check``; ``select`` / ``ignore``: the rules fixed (ids); ``time_limit``: the
    solver's, in seconds.
    """
    overrides = [_setting(k, v) for k, v in (settings or {}).items()]
    if lang is None:
        lang = _planlint.default_lang()
    folder = Path(tempfile.mkdtemp(prefix="planlint-fix-")) if out is None else Path(os.fspath(out))
    native, code = _planlint.fix(
        os.fspath(plan),
        os.fspath(folder),
        profile=profile,
        as_of=as_of,
        context=None if context is None else os.fspath(context),
        overrides=overrides,
        select=list(select or []),
        ignore=list(ignore or []),
        time_limit=time_limit,
        lang=lang,
    )
    return Fix(folder, Report(native, lang), code)


def profiles() -> list[dict[str, Any]]:
    """The built-in profiles: id, city, title, document, dates, and each rule's section
    (severity, clause with its document, thresholds) as ``planlint profiles ID`` shows."""
    return json.loads(_planlint.profiles_json())


def rules() -> list[dict[str, Any]]:
    """Every rule: its stable id, titles, subject layer, what it checks in one paragraph
    (``summary`` in Chinese, ``summary_en``) and its documentation (Markdown), as
    ``planlint rules ID`` shows."""
    return json.loads(_planlint.rules_json())
