"""Regenerate the checked-in field lists: ``python -m tests.fakes.contract.generate [--check]``.

API key (Gemini API) v1 and v1beta come from ``google-ai-generativelanguage`` (a test extra). Vertex v1 and
v1beta1 come from ``google-cloud-aiplatform`` VERTEX_RELEASE: its 2.x line requires google-genai<3, so it
cannot be installed beside Curator's genai 3 (pip falls back to aiplatform 1.91, whose protos predate
``ImageConfig`` and ``EmbedContent``). Its wheel is fetched with pip into a cache, checked against its
sha256, and read in a subprocess with the wheel first on the path.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
VERSIONS = {"gemini": ("v1", "v1beta"), "vertex": ("v1", "v1beta1")}
VERTEX_RELEASE = "2.7.0"
VERTEX_WHEEL = f"google_cloud_aiplatform-{VERTEX_RELEASE}-py2.py3-none-any.whl"
VERTEX_SHA256 = "156ede4a6c304119195dbdaedaba8c33872f6d80b6525482dccb95f76405bd31"
PIP_TIMEOUT_S = 300


def contract_path(family: str, version: str) -> Path:
    """Where the checked-in list of one family and version lives."""
    return HERE / f"{family}-{version}.json"


def cache_dir() -> Path:
    """Where the downloaded aiplatform wheel and its unpacked protos are kept between runs."""
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "curator" / f"aiplatform-{VERTEX_RELEASE}"


def vertex_protos() -> Path:
    """A folder holding aiplatform VERTEX_RELEASE's `google/cloud/aiplatform_v1*` packages (downloaded once)."""
    folder = cache_dir()
    unpacked = folder / "site"
    if (unpacked / "google" / "cloud" / "aiplatform_v1beta1").is_dir():
        return unpacked
    wheel = folder / VERTEX_WHEEL
    if not wheel.exists():
        subprocess.run([sys.executable, "-m", "pip", "download", "-q", "--no-deps", "-d", str(folder),
                        f"google-cloud-aiplatform=={VERTEX_RELEASE}"], check=True, timeout=PIP_TIMEOUT_S)
    digest = hashlib.sha256(wheel.read_bytes()).hexdigest()
    if digest != VERTEX_SHA256:
        raise RuntimeError(f"{wheel} has sha256 {digest}, expected {VERTEX_SHA256}")
    with zipfile.ZipFile(wheel) as archive:
        members = [m for m in archive.namelist() if m.startswith(("google/cloud/aiplatform_v1/",
                                                                  "google/cloud/aiplatform_v1beta1/"))]
        archive.extractall(unpacked, members)
    return unpacked


def extract_in_subprocess(family: str, version: str, path_first: Path | None = None) -> dict[str, Any]:
    """Run extract.py for one version in a fresh interpreter (`path_first` ahead of site-packages)."""
    env = dict(os.environ)
    if path_first is not None:
        env["PYTHONPATH"] = os.pathsep.join([str(path_first), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    out = subprocess.run([sys.executable, "-m", "tests.fakes.contract.extract", family, version],
                         cwd=HERE.parents[2], env=env, check=True, capture_output=True, text=True, timeout=600)
    return json.loads(out.stdout)


def generate() -> dict[Path, dict[str, Any]]:
    """Every contract, freshly extracted, by the path it is checked in at."""
    protos = vertex_protos()
    return {contract_path(family, version): extract_in_subprocess(family, version,
                                                                   protos if family == "vertex" else None)
            for family, versions in VERSIONS.items() for version in versions}


def main(argv: list[str]) -> int:
    """Write the lists (or, with --check, say which differ from what is checked in)."""
    stale = []
    for path, contract in generate().items():
        text = json.dumps(contract, indent=1, sort_keys=True) + "\n"
        if "--check" in argv:
            if not path.exists() or path.read_text() != text:
                stale.append(path.name)
        else:
            path.write_text(text)
    if stale:
        print("out of date: " + ", ".join(stale))
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
