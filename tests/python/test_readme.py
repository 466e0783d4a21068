"""The README's Python examples (its ```python blocks), run as written in the wheel's
virtual environment, in a copy of data/ and fixtures/ with the wheel's `planlint` on the
PATH, where the README's `planlint synth … --out counties/…` commands have made the
counties the notebook example reads."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(os.environ["PLANLINT_ROOT"])


def blocks():
    """(line, info, text) of every fenced block of the README, fences indented or not."""
    out, open_ = [], None
    for n, line in enumerate((ROOT / "README.md").read_text(encoding="utf-8").splitlines(), 1):
        stripped = line.lstrip()
        if open_ is None and stripped.startswith("```"):
            open_ = (n, len(line) - len(stripped), stripped[3:].strip(), [])
        elif open_ is not None and stripped == "```":
            out.append((open_[0], open_[2], "\n".join(open_[3])))
            open_ = None
        elif open_ is not None:
            indent = open_[1]
            open_[3].append(line[indent:] if line[:indent].strip() == "" else line)
    return out


PYTHON = [(line, text) for line, info, text in blocks() if info == "python"]


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory):
    """A copy of data/ and fixtures/, with `counties/` made by the README's own commands."""
    work = tmp_path_factory.mktemp("readme")
    for folder in ("data", "fixtures"):
        shutil.copytree(ROOT / folder, work / folder)
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}"}
    synth = [
        m.group(1)
        for _, info, text in blocks()
        if info in ("sh", "console")
        for m in re.finditer(r"^(?:\$ )?(planlint synth .*--out counties/.*)$", text, re.M)
    ]
    assert len(synth) >= 2, synth
    for command in synth:
        subprocess.run(["bash", "-c", command], cwd=work, env=env, check=True, timeout=300)
    return work


def test_the_readme_has_python_examples():
    assert len(PYTHON) >= 2, PYTHON


@pytest.mark.parametrize("line,text", PYTHON, ids=[f"README.md:{line}" for line, _ in PYTHON])
def test_a_python_example_runs_as_written(sandbox, line, text, monkeypatch):
    monkeypatch.chdir(sandbox)
    code = compile(text, f"README.md:{line}", "exec")
    exec(code, {"__name__": "__readme__"})
