"""The native module (Rust, PyO3): the check itself. Use the package ``planlint``."""

from typing import Any, Callable, Optional

__version__: str
FINDING_COLUMNS: list[str]
FORMATS: list[tuple[str, str]]

class PlanlintError(Exception):
    """Anything planlint refuses: the command line's exit 2."""

class PlanError(PlanlintError):
    """A layer, plan.toml or a file of the plan cannot be used; ``file`` names it."""

    file: Optional[str]

class ProfileError(PlanlintError): ...
class BaselineError(PlanlintError): ...
class ContextError(PlanlintError): ...
class RequestError(PlanlintError): ...

class NativeReport:
    working_crs: str
    def emit(self, format: str, lang: str) -> bytes: ...
    def write(self, path: str, format: str, lang: str) -> None: ...
    def geometries(self, crs: Optional[str] = None) -> list[Optional[bytes]]: ...
    def findings_columns(self, lang: str) -> dict[str, list[Any]]: ...

def check(
    plan: str,
    *,
    profile: Optional[str] = None,
    as_of: Optional[str] = None,
    context: Optional[str] = None,
    baseline: Optional[str] = None,
    working_crs: Optional[str] = None,
    overrides: list[str] = ...,
    service_areas: bool = False,
    lang: Optional[str] = None,
    progress: Optional[Callable[[str], None]] = None,
) -> NativeReport: ...
def fix(
    plan: str,
    out: str,
    *,
    profile: Optional[str] = None,
    as_of: Optional[str] = None,
    context: Optional[str] = None,
    overrides: list[str] = ...,
    select: list[str] = ...,
    ignore: list[str] = ...,
    time_limit: float = 60.0,
    lang: Optional[str] = None,
) -> tuple[NativeReport, int]: ...
def profiles_json() -> str: ...
def rules_json() -> str: ...
def default_lang() -> str: ...
def wait_for_solvers(seconds: float) -> bool: ...
