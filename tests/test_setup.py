"""The Makefile's set-up: ``make demo`` installs the package alone, ``make test`` adds the dev extras, and an
interpreter older than 3.11 stops before a venv exists."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="needs make")


def _make(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["make", "-C", str(ROOT), *args], capture_output=True, text=True, timeout=120, env=env
    )


def test_demo_installs_the_package_without_the_dev_extras(tmp_path):
    venv = tmp_path / "venv"
    demo = _make("-n", "demo", f"VENV={venv}").stdout
    assert "pip install --quiet -e .\n" in demo and "[dev]" not in demo
    test = _make("-n", "test", f"VENV={venv}").stdout
    assert "pip install --quiet -e '.[dev]'" in test


def _old_python() -> tuple[str, dict[str, str]] | None:
    """An interpreter older than 3.11 (pyenv's shims need PYENV_VERSION to find one that is installed)."""
    env = dict(os.environ)
    for name in ("python3.10", "python3.9"):
        if shutil.which(name) is None:
            continue
        for version in (
            ["", *sorted(os.listdir(Path.home() / ".pyenv" / "versions"))]
            if (Path.home() / ".pyenv" / "versions").is_dir()
            else [""]
        ):
            trial = {**env, "PYENV_VERSION": version} if version else env
            ok = subprocess.run([name, "-c", "pass"], capture_output=True, env=trial).returncode == 0
            if ok:
                return name, trial
    return None


def test_an_old_python_stops_before_a_venv_exists(tmp_path):
    found = _old_python()
    if found is None:
        pytest.skip("no Python older than 3.11 here")
    name, env = found
    venv = tmp_path / "venv"
    out = _make("demo", f"PYTHON={name}", f"VENV={venv}", env=env)
    assert out.returncode != 0
    assert "needs Python 3.11 or newer" in out.stderr
    assert not venv.exists()
