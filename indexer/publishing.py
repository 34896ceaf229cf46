"""Publishing index versions atomically.

    index/
      CURRENT            "versions/<name>": the live version, switched by one rename
      versions/<name>/   complete, fsynced version folders (the live one and the one before)
      .building-<name>/  a build in progress; removed by the next build if it was killed
      cache/             embedding cache, shared by builds
      .lock              held by the one build allowed at a time

A reader reads CURRENT once and opens that folder, so it sees the old or the new version, never
a mix. A build killed at any moment leaves CURRENT and the folder it names untouched.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import time
from contextlib import contextmanager
from pathlib import Path

from .errors import BuildLockedError, NoIndexError
from .storage import fsync_dir

POINTER = "CURRENT"
VERSIONS = "versions"
BUILDING_PREFIX = ".building-"


@contextmanager
def build_lock(index_dir: Path):
    """Hold the index's build lock; a second concurrent build fails at once with a clear error."""
    index_dir.mkdir(parents=True, exist_ok=True)
    with open(index_dir / ".lock", "a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise BuildLockedError(
                f"another build of {index_dir} is running; wait for it to finish and try again"
            ) from exc
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def new_version_name() -> str:
    return time.strftime("%Y%m%dT%H%M%S", time.gmtime()) + f"-{time.time_ns() % 1_000_000_000:09d}"


def building_folder(index_dir: Path, name: str) -> Path:
    return index_dir / f"{BUILDING_PREFIX}{name}"


def current_version(index_dir: Path) -> Path:
    """The live version folder, or NoIndexError saying how to build one."""
    try:
        name = (index_dir / POINTER).read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        raise NoIndexError(f"no index in {index_dir}: run python -m indexer") from None
    folder = index_dir / name
    if not name or not folder.is_dir():
        raise NoIndexError(
            f"the index pointer {index_dir / POINTER} names {name!r}, which does not exist: "
            "run python -m indexer --rebuild"
        )
    return folder


def publish(index_dir: Path, built: Path) -> Path:
    """Move a complete, fsynced build into versions/ and switch CURRENT to it; then remove all
    versions but the new and the previous one. Call under build_lock."""
    versions = index_dir / VERSIONS
    versions.mkdir(exist_ok=True)
    final = versions / built.name.removeprefix(BUILDING_PREFIX)
    os.rename(built, final)
    fsync_dir(versions)
    try:
        previous = current_version(index_dir).name
    except NoIndexError:
        previous = None
    tmp = index_dir / f"{POINTER}.tmp"
    with tmp.open("w", encoding="utf-8") as f:
        f.write(f"{VERSIONS}/{final.name}\n")
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, index_dir / POINTER)
    fsync_dir(index_dir)
    for folder in versions.iterdir():
        if folder.name not in {final.name, previous}:
            shutil.rmtree(folder, ignore_errors=True)
    return final


def remove_abandoned_builds(index_dir: Path) -> None:
    """Remove what killed builds left behind. Call under build_lock."""
    for folder in index_dir.glob(f"{BUILDING_PREFIX}*"):
        shutil.rmtree(folder, ignore_errors=True)
    (index_dir / f"{POINTER}.tmp").unlink(missing_ok=True)
