"""Set-up as a new user meets it: the Makefile's interpreter check and ``moderation --version``."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_with_an_old_python_fails_clearly_and_leaves_no_venv(tmp_path):
    old = tmp_path / "python3.10"
    old.write_text("#!/bin/sh\nif [ \"$1\" = --version ]; then echo 'Python 3.10.12'; exit 0; fi\nexit 1\n")
    old.chmod(0o755)
    venv = tmp_path / "venv"
    proc = subprocess.run(
        ["make", "-C", str(ROOT), "demo", f"PYTHON={old}", f"VENV={venv}"],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert proc.returncode != 0
    assert "needs Python 3.11 or newer" in proc.stderr and "Python 3.10.12" in proc.stderr
    assert not venv.exists()


def test_make_demo_installs_the_package_without_the_dev_extras():
    makefile = (ROOT / "Makefile").read_text()
    demo = next(line for line in makefile.splitlines() if line.startswith("demo:"))
    assert ".installed-dev" not in demo and "venv" not in demo.split("##")[0].split(":", 1)[1]
    install = makefile.split("$(VENV)/.installed:", 1)[1].split("\n\n", 1)[0]
    assert "pip install --quiet -e ." in install and "[dev]" not in install


def test_version_prints_the_package_and_model_versions():
    proc = subprocess.run(
        [sys.executable, "-m", "moderation.cli", "--version"],
        capture_output=True, text=True, timeout=60, env=os.environ.copy(),
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0].startswith("moderation ")
    assert any(line.startswith("text model: seg-ctx-") for line in lines)
    assert any(line.startswith("URL model: url-") for line in lines)
