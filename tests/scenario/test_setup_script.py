"""The README's commands start with scripts/system-packages.sh, which stops a wrong Python before pip does."""

from __future__ import annotations

import os
import subprocess

from tests.conftest import REPO


def run_with_python(tmp_path, version: str) -> subprocess.CompletedProcess:
    fake = tmp_path / "bin" / "python3"
    fake.parent.mkdir()
    fake.write_text(f"#!/bin/sh\necho {version}\n")
    fake.chmod(0o755)
    env = {**os.environ, "PATH": f"{fake.parent}{os.pathsep}{os.environ['PATH']}"}
    return subprocess.run(["sh", str(REPO / "scripts" / "system-packages.sh")], capture_output=True, text=True,
                          env=env, timeout=60, check=False)


def test_python_3_12_is_stopped_with_how_to_get_3_11(tmp_path):
    done = run_with_python(tmp_path, "3.12")
    assert done.returncode == 1
    assert done.stderr.startswith("Curator needs Python 3.11, and python3 here is 3.12")
    assert "pyenv install 3.11" in done.stderr and "uv python install 3.11" in done.stderr


def test_python_3_11_goes_on(tmp_path):
    assert run_with_python(tmp_path, "3.11").returncode == 0
