"""Finding the files under an ingest path: hidden files left out, links followed only while they stay inside
the folder being ingested (file and folder links alike), everything else skipped with a reason."""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

OUTSIDE_OPT_IN = "INGEST_FOLLOW_LINKS_OUTSIDE=true"


@dataclass(frozen=True)
class SourceFile:
    """A file found under an ingest path."""

    path: Path
    source: str  # absolute path: the identity used for idempotency
    doc_id: str  # path relative to the ingest root: what users and evaluations see
    tags: tuple[str, ...]


@dataclass
class Discovery:
    """The files to ingest, and the entries left out with the reason (doc id, reason)."""

    files: list[SourceFile] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)


def discover(paths: Iterable[Path], follow_outside: bool = False) -> Discovery:
    """Every non-hidden file under `paths`, in a stable order; doc ids are relative to each path. A link
    whose target leaves its root is skipped with a reason unless `follow_outside`; a file reached twice
    (through a link inside the root) is ingested once."""
    found = Discovery()
    seen: set[Path] = set()
    for given in paths:
        root = given.resolve()
        if not root.exists():
            raise FileNotFoundError(f"No such file or folder: {root}")
        if root.is_file():
            _add(found, seen, root, root, Path(root.name))
            continue
        links: list[tuple[Path, Path, Path]] = []  # taken after the real files, so those keep their own names
        _walk(found, seen, root, root, Path(), follow_outside, links)
        while links:
            path, target, name = links.pop(0)
            if target.is_dir():
                _walk(found, seen, root, path, name, follow_outside, links)
            else:
                _add(found, seen, path, target, name)
    return found


def _walk(found: Discovery, seen: set[Path], root: Path, folder: Path, relative: Path, follow_outside: bool,
          links: list[tuple[Path, Path, Path]]) -> None:
    if folder.resolve() in seen:  # a folder reached again through a link (or a link back up) is walked once
        return
    seen.add(folder.resolve())
    for entry in sorted(os.scandir(folder), key=lambda e: e.name):
        name = relative / entry.name
        if entry.name.startswith("."):
            continue
        path = Path(entry.path)
        target = path.resolve()
        if entry.is_symlink():
            why = _link_problem(root, target, follow_outside)
            if why:
                found.skipped.append((name.as_posix(), why))
            else:
                links.append((path, target, name))
            continue
        if target.is_dir():
            _walk(found, seen, root, path, name, follow_outside, links)
        elif target.is_file():
            _add(found, seen, path, target, name)


def _link_problem(root: Path, target: Path, follow_outside: bool) -> str:
    """Why a link is not followed ("" when it is)."""
    if not target.exists():
        return f"a link to {target}, which does not exist"
    if follow_outside or target.is_relative_to(root):
        return ""
    return (f"a link to {target}, outside the folder being ingested ({root}); not followed "
            f"(set {OUTSIDE_OPT_IN} to allow links that leave it)")


def _add(found: Discovery, seen: set[Path], path: Path, target: Path, relative: Path) -> None:
    if target in seen:
        return
    seen.add(target)
    found.files.append(SourceFile(path, str(path), relative.as_posix(), tuple(relative.parts[:-1])))
