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

import json
from typing import Any, Callable, Mapping, Optional, Union
import os

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

__version__: str = _planlint.__version__

__all__ = [
    "check",
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


def profiles() -> list[dict[str, Any]]:
    """The built-in profiles: id, city, title, document, dates, and each rule's section
    (severity, clause with its document, thresholds) as ``planlint profiles ID`` shows."""
    return json.loads(_planlint.profiles_json())


def rules() -> list[dict[str, Any]]:
    """Every rule: its stable id, titles, subject layer, what it checks in one paragraph
    (``summary`` in Chinese, ``summary_en``) and its documentation (Markdown), as
    ``planlint rules ID`` shows."""
    return json.loads(_planlint.rules_json())
