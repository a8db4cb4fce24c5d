"""A batch's files: written aside then renamed, never half there; old ones cleaned up."""
from __future__ import annotations

import os
import time

import pytest

from app.printing.files import PrintFiles, remove_expired

PRINT_ID = "0123456789abcdef0123456789abcdef"


def test_a_file_appears_whole_or_not_at_all(tmp_path):
    files = PrintFiles(tmp_path, PRINT_ID)
    with pytest.raises(RuntimeError):
        with files.writing(files.pdf) as out:
            out.write(b"%PDF-1.4 half of it")
            assert not files.pdf.exists()  # nothing at the final name while writing
            raise RuntimeError("the layout failed")
    assert list(tmp_path.iterdir()) == []  # neither the PDF nor the part
    with files.writing(files.pdf) as out:
        out.write(b"%PDF-1.4 all of it")
    assert files.pdf.read_bytes() == b"%PDF-1.4 all of it"
    assert [p.name for p in tmp_path.iterdir()] == [f"{PRINT_ID}.pdf"]


def test_a_new_attempt_removes_what_a_killed_one_left(tmp_path):
    files = PrintFiles(tmp_path, PRINT_ID)
    (tmp_path / f".{PRINT_ID}.abc123.part").write_bytes(b"%PDF-1.4 cut")
    (tmp_path / ".ffffffffffffffffffffffffffffffff.abc.part").write_bytes(b"another batch's")
    assert files.remove_parts() == 1
    assert [p.name for p in tmp_path.iterdir()] == [".ffffffffffffffffffffffffffffffff.abc.part"]


def test_batches_older_than_a_day_are_removed(tmp_path):
    now = time.time()
    old, fresh = PrintFiles(tmp_path, "a" * 32), PrintFiles(tmp_path, "b" * 32)
    for files, age in ((old, 25 * 3600), (fresh, 3600)):
        for path in (files.pdf, files.manifest, tmp_path / f".{files.print_id}.x.part"):
            path.write_bytes(b"x")
            os.utime(path, (now - age, now - age))
    (tmp_path / "notes.txt").write_bytes(b"not ours")
    os.utime(tmp_path / "notes.txt", (now - 30 * 3600, now - 30 * 3600))
    assert remove_expired(tmp_path, now=now) == 3
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [f"{'b' * 32}.pdf", f"{'b' * 32}.json", f".{'b' * 32}.x.part", "notes.txt"])
    assert remove_expired(tmp_path / "missing", now=now) == 0


@pytest.mark.parametrize("print_id", ["../secret_key", "ABCDEF0123456789abcdef0123456789", "abc", ""])
def test_a_print_id_is_only_ever_32_hexadecimal_digits(tmp_path, print_id):
    assert PrintFiles.of(tmp_path, print_id) is None
