"""Bulk loading: ids and reference numbers from the sequences, hex EWKB, COPY in chunks."""
from __future__ import annotations

import struct
from itertools import islice
from typing import Iterator

import shapely
from psycopg import Connection
from shapely.geometry.base import BaseGeometry

CHUNK_ASSETS = 10_000
NUMBER_BLOCK = 5_000

ASSET_COLUMNS = ("id, reference, type_id, geom, commune_id, status, installed_on, manufacturer, model, "
                 "condition, attributes, parent_id, version")
HISTORY_COLUMNS = ("asset_id, recorded_at, change, reason, changes, version, reference, type_id, geom, commune_id, "
                   "status, installed_on, manufacturer, model, condition, attributes, parent_id")

Record = tuple[tuple, list[tuple]]  # an asset row and its history rows

_POINT_EWKB = struct.Struct("<BIIdd")  # little-endian, Point with an SRID, x, y
_EWKB_POINT_WITH_SRID = 0x20000001


class AssetNumbers:
    """Asset ids and reference numbers, drawn from the database sequences in blocks."""

    def __init__(self, connection: Connection) -> None:
        self._connection = connection
        self._ids: list[int] = []
        self._numbers: list[int] = []

    def take(self) -> tuple[int, int]:
        """The next (asset id, reference number)."""
        if not self._ids:
            self._refill()
        return self._ids.pop(), self._numbers.pop()

    def _refill(self) -> None:
        """Draw the next block of ids and reference numbers."""
        # Only called between two COPYs: the generator runs while no COPY is open.
        rows = self._connection.execute(
            "SELECT nextval(pg_get_serial_sequence('assets', 'id')), nextval('asset_reference_seq') "
            "FROM generate_series(1, %s)", (NUMBER_BLOCK,)).fetchall()
        self._ids = sorted((row[0] for row in rows), reverse=True)  # pop() hands them out in order
        self._numbers = sorted((row[1] for row in rows), reverse=True)


def point_ewkb(srid: int, x: float, y: float) -> str:
    """A point as hex EWKB in ``srid``."""
    return _POINT_EWKB.pack(1, _EWKB_POINT_WITH_SRID, srid, float(x), float(y)).hex()


def shape_ewkb(srid: int, geom: BaseGeometry) -> str:
    """A line or polygon as hex EWKB in ``srid``."""
    return shapely.to_wkb(shapely.set_srid(geom, srid), hex=True, include_srid=True)


def bulk_load(connection: Connection, records: Iterator[Record]) -> None:
    """COPY the records in chunks: each chunk's assets, then their history."""
    while batch := list(islice(records, CHUNK_ASSETS)):
        with connection.cursor() as cursor:
            with cursor.copy(f"COPY assets ({ASSET_COLUMNS}) FROM STDIN") as copy:
                for asset, _ in batch:
                    copy.write_row(asset)
            with cursor.copy(f"COPY asset_history ({HISTORY_COLUMNS}) FROM STDIN") as copy:
                for _, history in batch:
                    for row in history:
                        copy.write_row(row)
