"""What every benchmark prints: progress on stderr, percentiles, plain-text tables on stdout."""
from __future__ import annotations

import math
import statistics
import sys


def progress(message: str) -> None:
    """A short progress line on stderr (stdout keeps only the tables)."""
    print(f"[bench] {message}", file=sys.stderr, flush=True)


def p50(samples: list[float]) -> float:
    """The median."""
    return statistics.median(samples)


def p95(samples: list[float]) -> float:
    """Nearest-rank 95th percentile (the maximum for fewer than 20 samples)."""
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


def print_table(title: str, headers: list[str], rows: list[list[str]], notes: tuple[str, ...] = ()) -> None:
    """A plain-text table; the first column left-aligned, the others right-aligned."""
    cells = [headers] + [[str(c) for c in row] for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]

    def line(row: list[str]) -> str:
        return "  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(row, widths))).rstrip()

    print(title)
    print(line(headers))
    print("  ".join("-" * w for w in widths))
    for row in cells[1:]:
        print(line(row))
    for note in notes:
        print(f"  {note}")
    print(flush=True)
