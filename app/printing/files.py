"""The files a printed batch leaves in the print directory, written so that a download can
never get a half-written PDF.

``<id>.json`` is the batch's manifest (who asked, which interventions), written when it is
asked for; ``<id>.pdf`` appears only once complete: the worker writes
``.<id>.<random>.part`` beside it, flushes it to disk and renames it (``os.replace`` is
atomic within a directory). A worker killed mid-way leaves at most a ``.part`` file, which
nothing serves, the next attempt removes, and the clean-up deletes after a day.
"""
from __future__ import annotations

import json
import os
import re
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Iterator

KEEP_SECONDS = 24 * 3600  # how long a printed batch stays downloadable
_PRINT_ID = re.compile(r"[0-9a-f]{32}")


@dataclass(frozen=True)
class PrintFiles:
    """The paths of one batch in the print directory."""

    directory: Path
    print_id: str

    @classmethod
    def of(cls, directory: str | Path, print_id: str) -> "PrintFiles | None":
        """The batch's files; None when ``print_id`` is not a batch id (never a path)."""
        return cls(Path(directory), print_id) if _PRINT_ID.fullmatch(print_id or "") else None

    @property
    def pdf(self) -> Path:
        return self.directory / f"{self.print_id}.pdf"

    @property
    def manifest(self) -> Path:
        return self.directory / f"{self.print_id}.json"

    def read_manifest(self) -> dict | None:
        """The manifest, or None if there is none (never asked, or cleaned up)."""
        try:
            return json.loads(self.manifest.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None

    def write_manifest(self, manifest: dict) -> None:
        """Write the manifest atomically."""
        with self.writing(self.manifest) as out:
            out.write(json.dumps(manifest).encode())

    @contextmanager
    def writing(self, target: Path) -> Iterator[BinaryIO]:
        """A file to write ``target``'s content into: renamed to ``target`` when the block
        ends without error, removed otherwise."""
        self.directory.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(dir=self.directory, prefix=f".{self.print_id}.", suffix=".part")
        try:
            with os.fdopen(fd, "wb") as out:
                yield out
                out.flush()
                os.fsync(out.fileno())
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        _fsync_directory(self.directory)

    def remove_parts(self) -> int:
        """Remove the ``.part`` files earlier attempts of this batch left; how many."""
        parts = list(self.directory.glob(f".{self.print_id}.*.part"))
        for part in parts:
            part.unlink(missing_ok=True)
        return len(parts)


def remove_expired(directory: str | Path, now: float | None = None, keep_seconds: int = KEEP_SECONDS) -> int:
    """Delete the batches' files (PDF, manifest, leftovers) older than ``keep_seconds``."""
    folder = Path(directory)
    if not folder.is_dir():
        return 0
    limit = (time.time() if now is None else now) - keep_seconds
    removed = 0
    for path in folder.iterdir():
        if path.suffix in (".pdf", ".json", ".part") and path.is_file() and path.stat().st_mtime < limit:
            path.unlink(missing_ok=True)
            removed += 1
    return removed


def _fsync_directory(directory: Path) -> None:
    """Make the rename itself durable (a crash right after it keeps the new name)."""
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
