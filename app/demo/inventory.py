"""A deterministic demo inventory of Dijon Métropole: about 100,000 assets with history.

There is no street data for Dijon in the repository, so streets are synthesised: in
each commune a quadtree of square blocks, smaller where the town is denser (Dijon
centre, then each commune's old village centre), plus radial avenues out of Dijon,
clipped to the commune. Street lights stand every 25-35 m along those streets, in
circuits under cabinets; the other assets are spread along the same streets.

Rows are built in Python and bulk-loaded with COPY in chunks (assets, then their
history), so that a scale of 10 (a million assets) runs in bounded memory. Every random
draw comes from a generator seeded by (seed, commune, stream): the same seed and scale
give the same inventory. Reference numbers come from ``asset_reference_seq`` in
generation order, so they are the same from the same sequence start (an empty database).
"""
from __future__ import annotations

import json
import math
import random
import struct
import zlib
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from itertools import islice
from typing import Callable, Iterator

import numpy as np
import shapely
from psycopg import Connection
from shapely.geometry import LineString, MultiLineString, Point, Polygon
from shapely.geometry.base import BaseGeometry
from sqlalchemy import text
from sqlalchemy.orm import Session

from app.errors import ValidationFailed
from gis.crs import transformer

DEFAULT_SEED = 21231  # Dijon's INSEE code
DIJON_CENTRE_LONLAT = (5.0415, 47.3220)  # place de la Libération
INITIAL_REASON = "Reprise de l'inventaire initial"
LAST_INSTALL = date(2025, 12, 31)  # installations span 1990-2025 (see PROFILES)
# Last day of the simulated history: a constant, so that runs agree whatever the clock.
HORIZON = date(2026, 10, 31)
LED_ERA = date(2013, 1, 1)  # LED retrofits of old luminaires start here

MASTS_AT_SCALE_1 = 35_000
MAST_GAP_M = (25.0, 35.0)
MAST_OFFSET_M = 5.0  # masts stand on the pavement, beside the street axis
# Assets are placed at most 9 m from a street, and streets stay this far inside their
# commune (and off its neighbours' overlapping outlines): each asset is inside its commune.
MARGIN_M = 12.0
CABINET_MASTS = (80, 150)
CIRCUITS_PER_CABINET = (2, 4)
CIRCUIT_SHARE = (0.7, 1.3)  # circuits of one cabinet differ by this much

# Density of the built-up area, relative to Dijon centre: a dense core, each other
# commune's village centre, and a few roads everywhere.
CORE_RADIUS_M = 2800.0
VILLAGE_WEIGHT, VILLAGE_RADIUS_M = 0.15, 700.0
RURAL_FLOOR = 0.005

# Street synthesis: a lattice of 5 m units, root blocks of 1,280 m, smallest 20 m.
UNIT_M, ROOT_UNITS, MIN_UNITS = 5.0, 256, 4
AVENUES = 10
MIN_PIECE_M = 10.0
SPAN_M = 300.0  # streets are cut into spans to sample places along them
MORTON_CELL_M = 250.0

CHUNK_ASSETS = 10_000
NUMBER_BLOCK = 5_000

STREAM_STREETS, STREAM_AVENUES, STREAM_LIGHTS, STREAM_JUNCTIONS, STREAM_SCATTERED = 1, 2, 3, 4, 10

# Counts at scale 1 of the assets that are not street lights (which follow the streets).
BASE_COUNTS = {
    "traffic_junction": 120, "cctv_camera": 115, "road_sign": 13_000, "bench": 3_200,
    "litter_bin": 4_800, "tree": 13_500, "fountain": 60, "defibrillator": 160,
    "parking_meter": 420, "ev_charger": 150, "bollard": 180, "info_panel": 80,
    "green_space": 140, "fibre_cable": 300,
}


@dataclass(frozen=True)
class _Profile:
    """How a type of asset is spread, installed and fails."""

    density_power: float  # a place weighs street length × density ** power
    years: tuple[int, int]  # installation years
    faulty: float = 0.03  # shares of assets in each final status
    out_of_service: float = 0.015
    decommissioned: float = 0.03
    planned: float = 0.015
    repairs: float = 0.15  # chance of each past fault (then repaired), up to three


PROFILES: dict[str, _Profile] = {
    "lighting_cabinet": _Profile(1.0, (1990, 2022), faulty=0.01, out_of_service=0.005, decommissioned=0.0,
                                 planned=0.01, repairs=0.1),
    "lighting_circuit": _Profile(1.0, (1990, 2022), faulty=0.01, out_of_service=0.0, decommissioned=0.0,
                                 planned=0.0, repairs=0.1),
    "street_light": _Profile(1.0, (1990, 2025), faulty=0.01, decommissioned=0.02, repairs=0.08),
    "luminaire": _Profile(1.0, (1990, 2025), faulty=0.045, repairs=0.3),
    "traffic_junction": _Profile(2.0, (1995, 2024), faulty=0.02, decommissioned=0.01, repairs=0.3),
    "signal_head": _Profile(2.0, (1995, 2024), faulty=0.03, repairs=0.2),
    "cctv_camera": _Profile(3.0, (2012, 2025), faulty=0.04, decommissioned=0.02, repairs=0.25),
    "bollard": _Profile(4.0, (2000, 2024), faulty=0.06, repairs=0.4),
    "info_panel": _Profile(2.0, (2005, 2024), faulty=0.04, repairs=0.25),
    "road_sign": _Profile(1.0, (1995, 2025), faulty=0.01, decommissioned=0.04, repairs=0.05),
    "bench": _Profile(1.5, (1990, 2025), faulty=0.02, decommissioned=0.03, repairs=0.08),
    "litter_bin": _Profile(1.5, (2000, 2025), faulty=0.02, decommissioned=0.04, repairs=0.08),
    "tree": _Profile(0.5, (1990, 2025), faulty=0.02, out_of_service=0.0, decommissioned=0.03, repairs=0.03),
    "fountain": _Profile(2.0, (1990, 2020), faulty=0.05, repairs=0.3),
    "defibrillator": _Profile(1.0, (2010, 2025), faulty=0.02, decommissioned=0.01, repairs=0.2),
    "parking_meter": _Profile(4.0, (2008, 2024), faulty=0.05, decommissioned=0.04, repairs=0.4),
    "ev_charger": _Profile(1.5, (2016, 2025), faulty=0.06, planned=0.05, repairs=0.4),
    "green_space": _Profile(0.5, (1990, 2020), faulty=0.0, out_of_service=0.01, decommissioned=0.0, repairs=0.0),
    "fibre_cable": _Profile(1.0, (2005, 2024), faulty=0.005, decommissioned=0.01, repairs=0.05),
}
MIRRORED_STATUSES = ("planned", "out_of_service", "decommissioned")  # a child follows its parent in these

Makers = tuple[tuple[str, tuple[str | None, ...]], ...]
MAKERS: dict[str, Makers] = {
    "lighting_cabinet": (("Sagelec", ("Armoire EP 2 départs", "Armoire EP 4 départs")),
                         ("Cahors", ("Coffret Maestro EP",)), ("Legrand", ("Armoire Altis EP",))),
    "lighting_circuit": (("Nexans", ("U-1000 R2V 4×16 mm²", "U-1000 RVFV 4G10 mm²")),
                         ("Prysmian", ("U-1000 R2V 4×25 mm²",))),
    "street_light": (("Petitjean", ("Cylindro-conique CC", "Stelium")),
                     ("Valmont France", ("Tubulaire TU", "Octogonal OC")),
                     ("Sermeto", ("Mât droit MD", "Console murale")), ("Technilum", ("Akila",))),
    "traffic_junction": (("Lacroix City", ("LC-Smart", "Caméléon")), ("Siemens Mobility", ("Sitraffic sX",)),
                         ("Aximum", ("Diamant 3",)), ("Fareco", ("FR 2000",))),
    "signal_head": (("Aximum", ("Feu R11 LED Ø200",)), ("Lacroix City", ("Feu R12 LED Ø200", "Feu piéton R12j")),
                    ("Fareco", ("Tête 3 feux Ø200",))),
    "cctv_camera": (("Axis", ("Q6075-E", "P1465-LE")), ("Bosch", ("Autodome IP 5000i", "Dinion 5100i")),
                    ("Hanwha Vision", ("XNP-6400RW", "XNO-8080R"))),
    "bollard": (("Urbaco", ("Automatic 220", "Compact 275")), ("Pilomat", ("275/P-800",)), ("FAAC", ("J275 HA",))),
    "info_panel": (("Lumiplan", ("Oria 2", "Ilios")), ("Prismaflex", ("Prisma LED",)), ("Girod", ("Vision LED",))),
    "road_sign": (("Lacroix Signalisation", ("Gamme normale", "Gamme miniature")), ("Signature", ("Gamme normale",)),
                  ("Aximum", ("Gamme normale", "Grande gamme"))),
    "bench": (("Sineu Graff", ("Kube", "Diamant")), ("Area", ("Diva", "Avenue")), ("Metalco", ("Marina",))),
    "litter_bin": (("Plastic Omnium", ("Corbeille Vigipirate 100 L",)), ("Sineu Graff", ("Kube", "Diane")),
                   ("Area", ("Cybèle",))),
    "tree": (("Pépinières Chatelain", (None,)), ("Pépinières Minier", (None,)), ("Pépinières Soupe", (None,))),
    "fountain": (("Durenne", ("Fontaine Wallace",)), ("Fayolle", ("Borne fontaine Bayard",)),
                 ("Saint-Dizier Environnement", ("Fontaine Soleil",))),
    "defibrillator": (("Schiller", ("Fred PA-1",)), ("Zoll", ("AED Plus", "AED 3")), ("Philips", ("HeartStart FRx",)),
                      ("Cardiac Science", ("Powerheart G5",))),
    "parking_meter": (("Flowbird", ("Strada Evolution", "CWT Touch")), ("IEM", ("PrestoPark",))),
    "fibre_cable": (("Acome", ("Micromodule",)), ("Prysmian", ("Sirocco HD",)), ("Nexans", ("Optical LT",))),
    "green_space": (),
}
# Types whose maker depends on their attributes: (type, family) → makers.
FAMILY_MAKERS: dict[tuple[str, str], Makers] = {
    ("luminaire", "led"): (("Schréder", ("Teceo", "Ampera", "Izylum")), ("Signify", ("Luma gen2", "ClearWay gen2")),
                           ("Eclatec", ("Kyo", "Onyx LED")), ("Thorn", ("R2L2", "Isaro Pro")), ("Ragni", ("Eliseo",))),
    ("luminaire", "legacy"): (("Comatelec", ("Z1", "Neos 2")), ("Philips", ("Iridium SON-T", "Malaga")),
                              ("Eclatec", ("Onyx 2", "Galaxie")), ("Thorn", ("Civitas", "Alura"))),
    ("ev_charger", "dc"): (("DBT", ("QC 50",)), ("ABB", ("Terra 54",))),
    ("ev_charger", "ac"): (("Hager", ("Witty Park",)), ("Schneider Electric", ("EVlink Parking",)),
                           ("ABB", ("Terra AC",))),
}
FAMILY_OF: dict[str, Callable[[dict], str]] = {
    "luminaire": lambda attributes: "led" if attributes["lamp_technology"] == "led" else "legacy",
    "ev_charger": lambda attributes: "dc" if attributes["power_kw"] >= 50 else "ac",
}

FAULT_REASONS = ("Panne signalée par un usager", "Défaut constaté en tournée", "Choc de véhicule", "Vandalisme")
REPAIR_REASON = "Remis en service après intervention"
END_REASONS = {
    "faulty": FAULT_REASONS,
    "out_of_service": ("Mis hors service : travaux de voirie", "Mis hors service : mise en sécurité"),
    "decommissioned": ("Déposé lors du réaménagement de la voie", "Dépose : matériel obsolète"),
}
REPLACED_REASON = "Remplacement par un luminaire LED (rénovation énergétique)"

SIGN_CODES = ("AB3a", "AB4", "B1", "B14", "B6a1", "B21-1", "C12", "C20a", "A13b", "CE14", "B0", "C107")
TREE_SPECIES = ("Platanus × acerifolia", "Tilia cordata", "Acer platanoides", "Celtis australis", "Carpinus betulus",
                "Fraxinus excelsior", "Styphnolobium japonicum", "Pyrus calleryana", "Prunus avium", "Quercus robur",
                "Liquidambar styraciflua", "Ginkgo biloba", "Acer campestre", "Aesculus hippocastanum")
PLACES_OF_DEFIBRILLATORS = ("Façade de la mairie", "Hall du gymnase", "Entrée de l'école", "Maison de quartier",
                            "Piscine", "Stade", "Médiathèque", "Salle des fêtes")
GREEN_SPACE_KINDS = ("Square", "Jardin", "Parc", "Coulée verte")
GREEN_SPACE_NAMES = ("des Tilleuls", "du Lavoir", "des Vignes", "de la Fontaine", "des Peupliers", "du Moulin",
                     "des Écoles", "de la Mairie", "des Lilas", "Victor-Hugo", "Jean-Jaurès", "Pasteur", "du Château",
                     "de l'Ouche", "du Suzon", "des Tanneries")

_POINT_EWKB = struct.Struct("<BIIdd")  # little-endian, Point with an SRID, x, y
_EWKB_POINT_WITH_SRID = 0x20000001
UTC = timezone.utc

ASSET_COLUMNS = ("id, reference, type_id, geom, commune_id, status, installed_on, manufacturer, model, "
                 "condition, attributes, parent_id, version")
HISTORY_COLUMNS = ("asset_id, recorded_at, change, reason, changes, version, reference, type_id, geom, commune_id, "
                   "status, installed_on, manufacturer, model, condition, attributes, parent_id")

_Record = tuple[tuple, list[tuple]]  # an asset row and its history rows


# --- entry points --------------------------------------------------------------------

def load_demo_inventory(session: Session, storage_srid: int, scale: float = 1.0,
                        seed: int = DEFAULT_SEED) -> dict[str, int] | None:
    """Generate the demo inventory unless the registry already has an asset (then None)."""
    if session.execute(text("SELECT EXISTS (SELECT 1 FROM assets)")).scalar_one():
        return None
    return generate_inventory(session, storage_srid, scale=scale, seed=seed)


def generate_inventory(session: Session, storage_srid: int, scale: float = 1.0,
                       seed: int = DEFAULT_SEED) -> dict[str, int]:
    """Generate assets and their history in the session's transaction; counts per type code."""
    if not scale > 0:
        raise ValueError("scale must be positive")
    session.flush()  # the catalogue or communes may still be pending in the session
    connection = session.connection().connection.driver_connection
    run = _Run(connection, _load_types(session), storage_srid, seed, scale)
    communes, density = _load_territory(session, storage_srid)
    # Streets are drawn for at least scale 1; smaller scales light only part of them.
    target_m = max(scale, 1.0) * MASTS_AT_SCALE_1 * sum(MAST_GAP_M) / 2
    plans = _street_plans(communes, density, seed, target_m)
    quotas = _quotas(plans, scale)
    records = (record for commune, plan, quota in zip(communes, plans, quotas)
               for record in _commune_assets(run, commune, plan, quota))
    _bulk_load(connection, records)
    return dict(sorted(run.counts.items()))


# --- territory and density -----------------------------------------------------------

@dataclass(frozen=True)
class _Commune:
    """A commune as the generator sees it."""

    id: int
    insee: str
    area: BaseGeometry  # where its assets go: inside it, off its neighbours, MARGIN_M in

    @property
    def key(self) -> int:
        """A number naming the commune in random seeds (INSEE codes may hold letters)."""
        return zlib.crc32(self.insee.encode())


@dataclass(frozen=True)
class _Density:
    """Relative density of the built-up area: about 1 at Dijon centre."""

    cx: float
    cy: float
    villages: np.ndarray  # (n, 2) centres of the other communes

    def at(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        """Density at points (x, y) of the storage SRID."""
        x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
        core = 1.0 / (1.0 + (np.hypot(x - self.cx, y - self.cy) / CORE_RADIUS_M) ** 3)
        village = np.zeros_like(x)
        for vx, vy in self.villages:
            village = np.maximum(village, np.exp(-np.hypot(x - vx, y - vy) / VILLAGE_RADIUS_M))
        return core + VILLAGE_WEIGHT * village + RURAL_FLOOR


def _load_territory(session: Session, srid: int) -> tuple[list[_Commune], _Density]:
    """The communes (with their placement areas) and the density field."""
    rows = session.execute(text("SELECT id, insee, ST_AsBinary(geom) FROM communes ORDER BY insee")).all()
    if not rows:
        raise ValidationFailed("There are no communes: load the territory first (vigie load-demo).")
    shapes = [shapely.from_wkb(bytes(row[2])) for row in rows]
    cx, cy = transformer(4326, srid).transform(*DIJON_CENTRE_LONLAT)
    villages = [shapely.get_coordinates(s.point_on_surface())[0] for s in shapes if not s.contains(Point(cx, cy))]
    communes = [_Commune(row[0], row[1], _placement_area(shapes, k)) for k, row in enumerate(rows)]
    density = _Density(cx, cy, np.array(villages).reshape(-1, 2))
    return [c for c in communes if not c.area.is_empty], density


def _placement_area(shapes: list[BaseGeometry], k: int) -> BaseGeometry:
    """The commune minus its neighbours' overlapping outlines, MARGIN_M inside."""
    area = shapes[k]
    for j, other in enumerate(shapes):
        if j != k and area.intersects(other):
            area = area.difference(other)
    area = area.buffer(-MARGIN_M)
    shapely.prepare(area)
    return area


def _load_types(session: Session) -> dict[str, tuple[int, str]]:
    """Type code → (id, reference prefix); refuses a catalogue without the demo's types."""
    types = {row[0]: (row[1], row[2]) for row in session.execute(
        text("SELECT code, id, reference_prefix FROM asset_types"))}
    missing = sorted(set(PROFILES) - set(types))
    if missing:
        raise ValidationFailed(
            f"Asset types missing ({', '.join(missing)}): load the catalogue first (vigie load-demo).")
    return types


def _rng(seed: int, *keys: int) -> np.random.Generator:
    """A generator for one stream of draws: (seed, commune, purpose) → always the same draws."""
    return np.random.default_rng([seed, *keys])


def _python_random(rng: np.random.Generator) -> random.Random:
    """A fast scalar generator for per-asset draws, seeded from ``rng``."""
    return random.Random(int(rng.integers(2**62)))


# --- streets ---------------------------------------------------------------------------

@dataclass(frozen=True)
class _Frame:
    """The axes of a commune's street grid: rotated by an angle around a pivot."""

    px: float
    py: float
    cos: float
    sin: float

    def to_world(self, u: np.ndarray, v: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return self.px + self.cos * u - self.sin * v, self.py + self.sin * u + self.cos * v

    def to_frame(self, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        dx, dy = x - self.px, y - self.py
        return self.cos * dx + self.sin * dy, -self.sin * dx + self.cos * dy


@dataclass
class _Spans:
    """Streets cut into spans of at most SPAN_M, to sample places along them."""

    x0: np.ndarray
    y0: np.ndarray
    ux: np.ndarray  # unit direction; the normal is (-uy, ux)
    uy: np.ndarray
    length: np.ndarray
    dens: np.ndarray
    first: np.ndarray  # per street piece: the index of its first span
    span_length: np.ndarray  # per street piece: the length of its spans


@dataclass
class _Streets:
    """A commune's street pieces (straight, inside its area) and their crossings."""

    pieces: np.ndarray  # (n, 4) x0, y0, x1, y1 in a Morton order, so neighbours follow
    side: np.ndarray  # (n,) ±1: which pavement the lights stand on
    corners: np.ndarray  # (m, 2)
    corner_dens: np.ndarray
    spans: _Spans
    angle: float
    length: np.ndarray  # of each piece


def _street_plans(communes: list[_Commune], density: _Density, seed: int, target_m: float) -> list[_Streets]:
    """Every commune's streets, their total length calibrated on ``target_m``."""
    avenues = _avenues(density, seed)
    lam = target_m / sum(_density_integral(c.area, density) for c in communes)
    plans = [_commune_streets(c, density, lam, avenues, seed) for c in communes]
    for _ in range(2):  # block sizes are quantised: correct the street density twice
        lam *= target_m / max(sum(float(p.length.sum()) for p in plans), 1.0)
        plans = [_commune_streets(c, density, lam, avenues, seed) for c in communes]
    return plans


def _density_integral(area: BaseGeometry, density: _Density, step: float = 150.0) -> float:
    """∫ density dA over ``area`` (m²), on a regular sample."""
    minx, miny, maxx, maxy = area.bounds
    xs, ys = np.meshgrid(np.arange(minx, maxx, step), np.arange(miny, maxy, step))
    xs, ys = xs.ravel(), ys.ravel()
    inside = shapely.contains_xy(area, xs, ys)
    return float(density.at(xs[inside], ys[inside]).sum()) * step * step


def _avenues(density: _Density, seed: int) -> np.ndarray:
    """Radial avenues out of Dijon centre, as segments (x0, y0, x1, y1)."""
    rng = _rng(seed, STREAM_AVENUES)
    angles = (np.arange(AVENUES) + rng.uniform(-0.3, 0.3, AVENUES)) * 2 * math.pi / AVENUES
    inner, outer = 150.0, 16_000.0
    return np.column_stack([density.cx + inner * np.cos(angles), density.cy + inner * np.sin(angles),
                            density.cx + outer * np.cos(angles), density.cy + outer * np.sin(angles)])


def _commune_streets(commune: _Commune, density: _Density, lam: float, avenues: np.ndarray, seed: int) -> _Streets:
    """A quadtree street grid for the commune (``lam``: metres of street per m² at density 1)."""
    rng = _rng(seed, commune.key, STREAM_STREETS)
    angle = float(rng.uniform(0, math.pi / 2))
    centre = commune.area.centroid
    frame = _Frame(centre.x, centre.y, math.cos(angle), math.sin(angle))
    area_in_frame = shapely.transform(commune.area, lambda xy: np.column_stack(frame.to_frame(xy[:, 0], xy[:, 1])))
    shapely.prepare(area_in_frame)
    origin, leaves = _quadtree_leaves(area_in_frame, frame, density, lam, rng)
    grid = _grid_segments(leaves, origin, frame)
    pieces = _clip_segments(np.vstack([grid, avenues]), commune.area)
    corners = _leaf_corners(leaves, origin, frame, commune.area)
    if not len(pieces):
        pieces, corners = _fallback_streets(commune.area, angle)
    if not len(corners):
        corners = (pieces[:, :2] + pieces[:, 2:]) / 2
    pieces = pieces[_morton_order((pieces[:, 0] + pieces[:, 2]) / 2, (pieces[:, 1] + pieces[:, 3]) / 2)]
    side = rng.choice((-1.0, 1.0), len(pieces))
    length = np.hypot(pieces[:, 2] - pieces[:, 0], pieces[:, 3] - pieces[:, 1])
    return _Streets(pieces, side, corners, density.at(corners[:, 0], corners[:, 1]),
                    _spans_of(pieces, density), angle, length)


def _quadtree_leaves(area: BaseGeometry, frame: _Frame, density: _Density, lam: float,
                     rng: np.random.Generator) -> tuple[tuple[float, float], np.ndarray]:
    """Leaf blocks (i, j, size) in lattice units of the frame: smaller where denser."""
    minu, minv, maxu, maxv = area.bounds
    root_m = ROOT_UNITS * UNIT_M
    origin = (minu - float(rng.uniform(0, root_m)), minv - float(rng.uniform(0, root_m)))
    ii, jj = np.meshgrid(np.arange(int((maxu - origin[0]) // root_m) + 1),
                         np.arange(int((maxv - origin[1]) // root_m) + 1), indexing="ij")
    cells, size, leaves = np.column_stack([ii.ravel(), jj.ravel()]) * ROOT_UNITS, ROOT_UNITS, []
    while len(cells):
        cell_m = size * UNIT_M
        u0, v0 = origin[0] + cells[:, 0] * UNIT_M, origin[1] + cells[:, 1] * UNIT_M
        touching = shapely.intersects(shapely.box(u0, v0, u0 + cell_m, v0 + cell_m), area)
        cells, u0, v0 = cells[touching], u0[touching], v0[touching]
        # A grid of square blocks of side b has 2/b metres of street per m².
        block = 2.0 / (lam * density.at(*frame.to_world(u0 + cell_m / 2, v0 + cell_m / 2)))
        split = (cell_m > block * rng.uniform(0.75, 1.35, len(cells))) & (size > MIN_UNITS)
        leaf = ~split
        if size == ROOT_UNITS:  # sparse countryside: only some root blocks have roads at all
            leaf &= rng.random(len(cells)) < cell_m / block
        leaves.append(np.column_stack([cells[leaf], np.full(int(leaf.sum()), size)]))
        size //= 2
        offsets = np.array([[0, 0], [size, 0], [0, size], [size, size]])
        cells = (cells[split][:, None, :] + offsets[None]).reshape(-1, 2)
    return origin, np.concatenate(leaves)


def _grid_segments(leaves: np.ndarray, origin: tuple[float, float], frame: _Frame) -> np.ndarray:
    """The leaves' sides merged into straight streets, as world segments."""
    if not len(leaves):
        return np.empty((0, 4))
    i, j, s = leaves.T
    rows = _merge_intervals(np.concatenate([j, j + s]), np.concatenate([i, i]), np.concatenate([i + s, i + s]))
    cols = _merge_intervals(np.concatenate([i, i + s]), np.concatenate([j, j]), np.concatenate([j + s, j + s]))
    u = np.concatenate([rows[1], cols[0], rows[2], cols[0]]).reshape(2, -1)  # start, end
    v = np.concatenate([rows[0], cols[1], rows[0], cols[2]]).reshape(2, -1)
    x, y = frame.to_world(origin[0] + u * UNIT_M, origin[1] + v * UNIT_M)
    return np.column_stack([x[0], y[0], x[1], y[1]])


def _merge_intervals(coord: np.ndarray, start: np.ndarray, end: np.ndarray) -> tuple[np.ndarray, ...]:
    """Union of integer intervals [start, end] on each line ``coord``: (coord, start, end)."""
    order = np.lexsort((start, coord))
    coord, start, end = coord[order], start[order], end[order]
    offset = (int(end.max()) + 1) * coord.astype(np.int64)  # lines one after another on one axis
    run_end = np.maximum.accumulate(offset + end)
    new = np.ones(len(coord), dtype=bool)
    new[1:] = offset[1:] + start[1:] > run_end[:-1]
    heads = np.flatnonzero(new)
    return coord[heads], start[heads], np.maximum.reduceat(end, heads)


def _leaf_corners(leaves: np.ndarray, origin: tuple[float, float], frame: _Frame, area: BaseGeometry) -> np.ndarray:
    """Street crossings: the leaves' corners inside the area."""
    i, j, s = leaves.T
    lattice = np.unique(np.column_stack([np.concatenate([i, i + s, i, i + s]),
                                         np.concatenate([j, j, j + s, j + s])]), axis=0)
    x, y = frame.to_world(origin[0] + lattice[:, 0] * UNIT_M, origin[1] + lattice[:, 1] * UNIT_M)
    inside = shapely.contains_xy(area, x, y)
    return np.column_stack([x[inside], y[inside]])


def _clip_segments(segments: np.ndarray, area: BaseGeometry) -> np.ndarray:
    """The parts of straight segments inside ``area``, as segments (x0, y0, x1, y1)."""
    parts = shapely.get_parts(shapely.intersection(shapely.linestrings(segments.reshape(-1, 2, 2)), area))
    parts = parts[(shapely.get_type_id(parts) == 1) & (shapely.length(parts) >= MIN_PIECE_M)]
    if not len(parts):
        return np.empty((0, 4))
    coords, index = shapely.get_coordinates(parts, return_index=True)
    first = np.searchsorted(index, np.arange(len(parts)))
    last = np.r_[first[1:], len(index)] - 1
    return np.column_stack([coords[first], coords[last]])


def _fallback_streets(area: BaseGeometry, angle: float) -> tuple[np.ndarray, np.ndarray]:
    """Two crossing streets through the middle of a commune the grid missed."""
    centre = area.representative_point()
    half = 400.0
    ends = [(half * math.cos(a), half * math.sin(a)) for a in (angle, angle + math.pi / 2)]
    segments = np.array([[centre.x - dx, centre.y - dy, centre.x + dx, centre.y + dy] for dx, dy in ends])
    return _clip_segments(segments, area), np.array([[centre.x, centre.y]])


def _morton_order(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Indices sorting points along a Z-order curve (neighbours stay close)."""
    if not len(x):
        return np.arange(0)
    ix = ((x - x.min()) // MORTON_CELL_M).astype(np.int64)
    iy = ((y - y.min()) // MORTON_CELL_M).astype(np.int64)
    code = np.zeros(len(x), dtype=np.int64)
    for bit in range(16):
        code |= ((ix >> bit) & 1) << (2 * bit) | ((iy >> bit) & 1) << (2 * bit + 1)
    return np.argsort(code, kind="stable")


def _spans_of(pieces: np.ndarray, density: _Density) -> _Spans:
    """Cut street pieces into spans of equal length, at most SPAN_M."""
    dx, dy = pieces[:, 2] - pieces[:, 0], pieces[:, 3] - pieces[:, 1]
    length = np.hypot(dx, dy)
    count = np.maximum(np.ceil(length / SPAN_M), 1).astype(int)
    first = (np.cumsum(count) - count).astype(int)
    piece = np.repeat(np.arange(len(pieces)), count)
    k = np.arange(len(piece)) - first[piece]
    span_length = length / count
    ux, uy = dx / length, dy / length
    x0 = pieces[piece, 0] + ux[piece] * k * span_length[piece]
    y0 = pieces[piece, 1] + uy[piece] * k * span_length[piece]
    half = span_length[piece] / 2
    dens = density.at(x0 + ux[piece] * half, y0 + uy[piece] * half)
    return _Spans(x0, y0, ux[piece], uy[piece], span_length[piece], dens, first, span_length)


# --- how many of each type, where ------------------------------------------------------

def _scaled(base: int, scale: float) -> int:
    """``base`` at ``scale``, rounded half up, at least one."""
    return max(1, int(math.floor(base * scale + 0.5)))


def _quotas(plans: list[_Streets], scale: float) -> list[dict[str, int]]:
    """How many assets of each scattered type each commune gets (weighted by its streets)."""
    quotas: list[dict[str, int]] = [{} for _ in plans]
    for code, base in BASE_COUNTS.items():
        power = PROFILES[code].density_power
        weights = np.array([float(np.sum(p.spans.length * p.spans.dens ** power)) for p in plans])
        for quota, count in zip(quotas, _apportion(_scaled(base, scale), weights)):
            quota[code] = count
    return quotas


def _apportion(total: int, weights: np.ndarray) -> list[int]:
    """Split ``total`` in proportion to ``weights`` (largest remainders)."""
    share = total * weights / weights.sum()
    counts = np.floor(share).astype(int)
    order = np.argsort(-(share - counts), kind="stable")
    counts[order[: total - int(counts.sum())]] += 1
    return counts.tolist()


def _split(total: int, parts: int, rng: np.random.Generator, low: float, high: float) -> list[int]:
    """``total`` split into ``parts`` groups of at least one, in proportions drawn in low..high."""
    parts = max(1, min(parts, total))
    return [1 + n for n in _apportion(total - parts, rng.uniform(low, high, parts))]


def _points_along(spans: _Spans, count: int, power: float, offsets: tuple[float, float],
                  rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``count`` places beside the streets, denser where the town is: (x, y, density)."""
    weights = spans.length * spans.dens ** power
    index = rng.choice(len(weights), size=count, p=weights / weights.sum())
    t = rng.random(count) * spans.length[index]
    offset = rng.uniform(*offsets, count) * rng.choice((-1.0, 1.0), count)
    x = spans.x0[index] + t * spans.ux[index] - offset * spans.uy[index]
    y = spans.y0[index] + t * spans.uy[index] + offset * spans.ux[index]
    return x, y, spans.dens[index]


def _tree_rows(spans: _Spans, count: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Street trees in rows along some spans, 8-12 m apart, 7 m off the axis."""
    weights = spans.length * spans.dens ** PROFILES["tree"].density_power
    xs, ys, ds, planted = [], [], [], 0
    while planted < count:
        for k in rng.choice(len(weights), size=max(8, count // 20), p=weights / weights.sum()):
            gap = rng.uniform(8.0, 12.0)
            t = np.arange(min(rng.uniform(2.0, 6.0), spans.length[k] / 2), spans.length[k], gap)[: count - planted]
            offset = rng.choice((-7.0, 7.0))
            xs.append(spans.x0[k] + t * spans.ux[k] - offset * spans.uy[k])
            ys.append(spans.y0[k] + t * spans.uy[k] + offset * spans.ux[k])
            ds.append(np.full(len(t), spans.dens[k]))
            planted += len(t)
            if planted >= count:
                break
    return np.concatenate(xs), np.concatenate(ys), np.concatenate(ds)


def _pick_corners(streets: _Streets, count: int, power: float, rng: np.random.Generator) -> np.ndarray:
    """Indices of ``count`` crossings, favouring dense places, distinct when possible."""
    weights = streets.corner_dens ** power
    replace = count > len(weights)
    return rng.choice(len(weights), size=count, replace=replace, p=weights / weights.sum())


# --- lives: first state, later changes --------------------------------------------------

@dataclass
class _Life:
    """One asset's generated life: its first state and its later changes, in date order."""

    created_at: datetime
    status: str
    installed_on: date | None
    manufacturer: str | None
    model: str | None
    condition: int | None
    attributes: dict
    events: list[tuple[datetime, str, str, dict]]  # (recorded_at, change, reason, {field: new value})
    end_at: datetime | None = None  # when it reached its final status, if not in service

    @property
    def final_status(self) -> str:
        return self.events[-1][3]["status"] if self.end_at else self.status


@dataclass(frozen=True)
class _Ctx:
    """What attribute makers may depend on."""

    year: int | None  # installation year; None when planned
    dens: float
    index: int = 0


def _life(rnd: random.Random, code: str, dens: float, index: int = 0, installed: date | None = None,
          final: str | None = None, end_at: datetime | None = None) -> _Life:
    """Draw an asset's life: install date, status history, maker and attributes."""
    profile = PROFILES[code]
    final = final or _final_status(rnd, profile)
    if final == "planned":
        return _planned_life(rnd, code, dens, index)
    installed = installed or _day_between(rnd, date(profile.years[0], 1, 1), date(profile.years[1], 12, 31))
    attributes = ATTRIBUTES[code](rnd, _Ctx(installed.year, dens, index))
    maker, model = _maker(rnd, code, attributes)
    if final != "in_service" and end_at is None:
        end_at = _end_of(rnd, final, installed)
    replaced = code == "luminaire" and attributes["lamp_technology"] != "led" and rnd.random() < 0.45
    events = _events(rnd, profile, installed, final, end_at, _led_replacement if replaced else None)
    return _Life(_at(rnd, installed), "in_service", installed, maker, model, _condition(rnd, installed),
                 attributes, events, end_at)


def _child_life(rnd: random.Random, code: str, dens: float, parent: _Life, index: int = 0) -> _Life:
    """A child installed with its parent, planned / out of service / removed with it."""
    if parent.final_status in MIRRORED_STATUSES:
        end_at = parent.end_at + timedelta(minutes=7) if parent.end_at else None
        return _life(rnd, code, dens, index, parent.installed_on, parent.final_status, end_at)
    final = "faulty" if rnd.random() < PROFILES[code].faulty else "in_service"
    return _life(rnd, code, dens, index, parent.installed_on, final)


def _planned_life(rnd: random.Random, code: str, dens: float, index: int) -> _Life:
    """An asset decided in the last months, not installed yet (no date, no condition)."""
    day = HORIZON - timedelta(days=rnd.randint(1, 300))
    attributes = ATTRIBUTES[code](rnd, _Ctx(None, dens, index))
    maker, model = _maker(rnd, code, attributes)
    return _Life(_at(rnd, day), "planned", None, maker, model, None, attributes, [])


def _final_status(rnd: random.Random, profile: _Profile) -> str:
    """Draw the status the asset has now, by the shares of its profile."""
    draw = rnd.random()
    for status in ("planned", "decommissioned", "out_of_service", "faulty"):
        share = getattr(profile, status)
        if draw < share:
            return status
        draw -= share
    return "in_service"


def _end_of(rnd: random.Random, final: str, installed: date) -> datetime:
    """When the asset reached its final status: recent faults, older removals."""
    if final == "faulty":
        day = HORIZON - timedelta(days=rnd.randint(1, 90))
    elif final == "out_of_service":
        day = HORIZON - timedelta(days=rnd.randint(20, 400))
    else:
        day = _day_between(rnd, min(installed + timedelta(days=730), HORIZON), HORIZON - timedelta(days=1))
    return _at(rnd, max(day, installed + timedelta(days=1)))


def _events(rnd: random.Random, profile: _Profile, installed: date, final: str, end_at: datetime | None,
            replacement: Callable[[random.Random], dict] | None) -> list[tuple[datetime, str, str, dict]]:
    """Past faults (each repaired), maybe a replacement, then the change to the final status."""
    limit = (end_at.date() if end_at else HORIZON) - timedelta(days=30)
    first = installed + timedelta(days=30)
    slots = _repeats(rnd, profile.repairs) + (1 if replacement else 0)
    days = sorted(_day_between(rnd, first, limit) for _ in range(slots)) if first < limit else []
    events: list[tuple[datetime, str, str, dict]] = []
    for k, day in enumerate(days):
        next_day = days[k + 1] if k + 1 < len(days) else limit
        if replacement and k == len(days) - 1:  # retrofits are recent: the last slot
            if day >= LED_ERA:
                events.append((_at(rnd, day), "replaced", REPLACED_REASON, replacement(rnd)))
        else:
            events.extend(_fault_and_repair(rnd, day, next_day))
    if end_at is not None:
        change = "decommissioned" if final == "decommissioned" else "status_changed"
        events.append((end_at, change, rnd.choice(END_REASONS[final]), {"status": final}))
    return events


def _fault_and_repair(rnd: random.Random, day: date, before: date) -> list[tuple[datetime, str, str, dict]]:
    """A fault on ``day`` repaired 1-40 days later, strictly before ``before``."""
    repaired = min(day + timedelta(days=rnd.randint(1, 40)), before - timedelta(days=1))
    if repaired <= day:
        return []
    return [(_at(rnd, day), "status_changed", rnd.choice(FAULT_REASONS), {"status": "faulty"}),
            (_at(rnd, repaired), "status_changed", REPAIR_REASON, {"status": "in_service"})]


def _led_replacement(rnd: random.Random) -> dict:
    """The change of a legacy luminaire for an LED one: new maker, model, lamp, serial."""
    attributes = _led_attributes(rnd)
    maker, model = _pick_maker(rnd, FAMILY_MAKERS[("luminaire", "led")])
    patch = {"manufacturer": maker, "model": model, "condition": 1, "attributes.last_relamped_on": None}
    patch.update({f"attributes.{name}": value for name, value in attributes.items()})
    return patch


def _repeats(rnd: random.Random, chance: float) -> int:
    """How many times (0-3) something of probability ``chance`` happened again and again."""
    count = 0
    while count < 3 and rnd.random() < chance:
        count += 1
    return count


def _condition(rnd: random.Random, installed: date) -> int:
    """Condition grade from 1 (as new) to 5 (worn out), worse with age."""
    age = (HORIZON - installed).days / 365.25
    return min(5, max(1, round(1 + age / 9 + rnd.gauss(0, 0.6))))


def _day_between(rnd: random.Random, low: date, high: date) -> date:
    """A day in [low, high] (``low`` when the range is empty)."""
    if high <= low:
        return low
    return low + timedelta(days=rnd.randint(0, (high - low).days))


def _at(rnd: random.Random, day: date) -> datetime:
    """A working-hours moment of ``day`` (UTC)."""
    return datetime.combine(day, time(rnd.randint(6, 16), rnd.randint(0, 59)), tzinfo=UTC)


def _maker(rnd: random.Random, code: str, attributes: dict) -> tuple[str | None, str | None]:
    """A manufacturer and model that fit the type (and, for some types, the attributes)."""
    family = FAMILY_OF.get(code)
    return _pick_maker(rnd, FAMILY_MAKERS[(code, family(attributes))] if family else MAKERS.get(code, ()))


def _pick_maker(rnd: random.Random, makers: Makers) -> tuple[str | None, str | None]:
    """One (manufacturer, model) of ``makers``, or (None, None) for natural things."""
    if not makers:
        return None, None
    maker, models = rnd.choice(makers)
    return maker, rnd.choice(models)


# --- attributes, valid against the catalogue's schemas ----------------------------------
# One maker per type: every required field, enum values from the choices, integers as
# int, decimals as float, dates as ISO strings, booleans as bool.

def _serial(rnd: random.Random, prefix: str) -> str:
    """A plausible 11-character serial number."""
    return f"{prefix}{rnd.randrange(10**9, 10**10)}"


def _year(ctx: _Ctx) -> int:
    """The installation year, or this year for a planned asset."""
    return ctx.year or HORIZON.year


def _cabinet_attributes(rnd: random.Random, ctx: _Ctx) -> dict:
    return {"power_supply_kva": rnd.choice((6.0, 9.0, 12.0, 18.0, 24.0, 36.0)),
            "meter_number": str(rnd.randrange(10**13, 10**14)),  # a 14-digit Enedis delivery point
            "remote_managed": _year(ctx) >= 2010 and rnd.random() < 0.7}


def _circuit_attributes(rnd: random.Random, ctx: _Ctx) -> dict:
    switching = rnd.choices(("dusk_dawn", "half_night", "dimmed"), (6, 1, 3))[0]
    return {"circuit_number": ctx.index, "switching": switching}


def _mast_attributes(rnd: random.Random, ctx: _Ctx) -> dict:
    """Low lanterns in town centres, taller masts along roads; concrete and wood are old."""
    urban = ctx.dens > 0.5  # town centres: lower lanterns, some on façades
    height = rnd.choice((4.0, 5.0, 6.0) if urban else (6.0, 8.0, 8.0, 10.0, 12.0))
    old = _year(ctx) < 2000
    material = rnd.choices(("steel", "aluminium", "concrete", "wood"), (6, 3, 1.5 if old else 0.1, 0.3))[0]
    return {"height_m": height, "material": material, "wall_mounted": urban and rnd.random() < 0.15}


def _luminaire_attributes(rnd: random.Random, ctx: _Ctx) -> dict:
    """LED since about 2012-2016; before, sodium (mostly), metal halide or fluorescent lamps."""
    year = _year(ctx)
    if year >= 2016 or (year >= 2012 and rnd.random() < 0.5):
        return _led_attributes(rnd)
    lamp = rnd.choices(("hps", "mh", "fluo"), (7, 2, 1))[0]
    relamped = _day_between(rnd, max(date(year, 1, 1), date(2018, 1, 1)), LAST_INSTALL)
    powers = {"hps": (70, 100, 150, 250), "mh": (70, 100, 150), "fluo": (36, 55)}[lamp]
    return {"lamp_technology": lamp, "power_w": rnd.choice(powers),
            "colour_temperature_k": {"hps": 2000, "mh": 4200, "fluo": 4000}[lamp],
            "serial_number": _serial(rnd, "S"), "last_relamped_on": relamped.isoformat()}


def _led_attributes(rnd: random.Random) -> dict:
    """An LED luminaire's lamp, power, colour temperature and serial number."""
    return {"lamp_technology": "led", "power_w": rnd.choice((19, 27, 36, 45, 60, 75, 95)),
            "colour_temperature_k": rnd.choice((2700, 3000, 3000, 4000)), "serial_number": _serial(rnd, "L")}


def _junction_attributes(rnd: random.Random, ctx: _Ctx) -> dict:
    return {"controller_model": rnd.choice(("Tempo 3", "Mercure", "SCR 24", "Atlas 12")), "phases": rnd.randint(2, 6),
            "connected": _year(ctx) >= 2000 and rnd.random() < 0.85, "pedestrian_buttons": rnd.random() < 0.4}


def _signal_head_attributes(rnd: random.Random, ctx: _Ctx) -> dict:
    kind = rnd.choices(("vehicle", "pedestrian", "cycle", "tram"), (60, 30, 7, 3 if ctx.dens > 0.6 else 0))[0]
    return {"head_kind": kind, "led": _year(ctx) >= 2008 or rnd.random() < 0.5}


def _camera_attributes(rnd: random.Random, ctx: _Ctx) -> dict:
    ptz = rnd.random() < 0.4
    return {"mounting_height_m": float(rnd.randint(8, 16)) / 2, "direction_deg": float(rnd.randrange(0, 360, 5)),
            "field_of_view_deg": 360.0 if ptz else float(rnd.randrange(50, 115, 5)),
            "range_m": float(rnd.randrange(30, 160, 10)), "ptz": ptz}


def _bollard_attributes(rnd: random.Random, ctx: _Ctx) -> dict:
    return {"mechanism": rnd.choices(("hydraulic", "electric", "pneumatic"), (5, 4, 1))[0],
            "access_control": rnd.choice(("Badge", "Interphone", "Télécommande", "Lecture de plaques", "Horaires"))}


def _info_panel_attributes(rnd: random.Random, ctx: _Ctx) -> dict:
    return {"display_kind": "full_colour" if _year(ctx) >= 2015 and rnd.random() < 0.6 else "led_text",
            "width_m": float(rnd.choice((1.0, 1.5, 2.0, 2.5, 3.0)))}


def _road_sign_attributes(rnd: random.Random, ctx: _Ctx) -> dict:
    return {"sign_code": rnd.choice(SIGN_CODES), "retroreflective_class": "2" if rnd.random() < 0.35 else "1"}


def _bench_attributes(rnd: random.Random, ctx: _Ctx) -> dict:
    return {"material": rnd.choices(("wood", "metal", "concrete"), (5, 4, 1))[0], "seats": rnd.choice((2, 3, 3, 4, 5))}


def _litter_bin_attributes(rnd: random.Random, ctx: _Ctx) -> dict:
    return {"capacity_l": rnd.choice((30, 50, 60, 80, 100)), "sorting": _year(ctx) >= 2015 and rnd.random() < 0.4}


def _tree_attributes(rnd: random.Random, ctx: _Ctx) -> dict:
    """Species always; planting year and height once planted (height grows with age)."""
    attributes: dict = {"species": rnd.choice(TREE_SPECIES)}
    if ctx.year:
        age = HORIZON.year - ctx.year
        attributes["planted_year"] = ctx.year
        attributes["height_m"] = round(min(25.0, 2.5 + 0.5 * age * rnd.uniform(0.7, 1.2)) * 2) / 2
    return attributes


def _fountain_attributes(rnd: random.Random, ctx: _Ctx) -> dict:
    return {"drinking_water": rnd.random() < 0.9, "winter_shutdown": rnd.random() < 0.7}


def _defibrillator_attributes(rnd: random.Random, ctx: _Ctx) -> dict:
    expires = _day_between(rnd, date(2026, 11, 1), date(2030, 12, 31))
    return {"location_detail": rnd.choice(PLACES_OF_DEFIBRILLATORS), "accessible_24h": rnd.random() < 0.55,
            "battery_expires_on": expires.isoformat()}


def _parking_meter_attributes(rnd: random.Random, ctx: _Ctx) -> dict:
    zone = "Zone rouge" if ctx.dens > 0.8 else "Zone orange" if ctx.dens > 0.5 else "Zone verte"
    return {"tariff_zone": zone, "card_payment": _year(ctx) >= 2012 or rnd.random() < 0.5}


def _ev_charger_attributes(rnd: random.Random, ctx: _Ctx) -> dict:
    return {"power_kw": rnd.choices((7.4, 11.0, 22.0, 50.0), (2, 2, 5, 1))[0], "connectors": rnd.choice((1, 2, 2))}


def _green_space_attributes(rnd: random.Random, ctx: _Ctx) -> dict:
    name = f"{rnd.choice(GREEN_SPACE_KINDS)} {rnd.choice(GREEN_SPACE_NAMES)}"
    return {"name": name, "maintenance_class": "1" if ctx.dens > 0.7 else rnd.choice(("2", "2", "3"))}


def _fibre_attributes(rnd: random.Random, ctx: _Ctx) -> dict:
    return {"fibre_count": rnd.choice((12, 24, 48, 72, 144)), "duct": rnd.choice(("PEHD 40", "PVC 45", "TPC 63"))}


ATTRIBUTES: dict[str, Callable[[random.Random, _Ctx], dict]] = {
    "lighting_cabinet": _cabinet_attributes, "lighting_circuit": _circuit_attributes,
    "street_light": _mast_attributes, "luminaire": _luminaire_attributes,
    "traffic_junction": _junction_attributes, "signal_head": _signal_head_attributes,
    "cctv_camera": _camera_attributes, "bollard": _bollard_attributes, "info_panel": _info_panel_attributes,
    "road_sign": _road_sign_attributes, "bench": _bench_attributes, "litter_bin": _litter_bin_attributes,
    "tree": _tree_attributes, "fountain": _fountain_attributes, "defibrillator": _defibrillator_attributes,
    "parking_meter": _parking_meter_attributes, "ev_charger": _ev_charger_attributes,
    "green_space": _green_space_attributes, "fibre_cable": _fibre_attributes,
}


# --- rows ------------------------------------------------------------------------------

class _Numbers:
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


class _Run:
    """What every generated asset shares: types, SRID, seed, scale, numbers and counts."""

    def __init__(self, connection: Connection, types: dict[str, tuple[int, str]], srid: int, seed: int,
                 scale: float) -> None:
        self.types, self.srid, self.seed, self.scale = types, srid, seed, scale
        self.numbers = _Numbers(connection)
        self.counts: Counter[str] = Counter()

    def point(self, x: float, y: float) -> str:
        """A point as hex EWKB in the storage SRID."""
        return _POINT_EWKB.pack(1, _EWKB_POINT_WITH_SRID, self.srid, float(x), float(y)).hex()

    def shape(self, geom: BaseGeometry) -> str:
        """A line or polygon as hex EWKB in the storage SRID."""
        return shapely.to_wkb(shapely.set_srid(geom, self.srid), hex=True, include_srid=True)

    def asset(self, code: str, commune: _Commune, ewkb: str, parent_id: int | None, life: _Life) -> tuple[int, _Record]:
        """Number a new asset; returns its id and its rows."""
        type_id, prefix = self.types[code]
        asset_id, number = self.numbers.take()
        self.counts[code] += 1
        fixed = (f"{prefix}-{commune.insee}-{number:06d}", type_id, ewkb, commune.id)
        return asset_id, _rows(asset_id, fixed, parent_id, life)


def _rows(asset_id: int, fixed: tuple, parent_id: int | None, life: _Life) -> _Record:
    """The asset row (its latest state) and one history row per state, version 1..n."""
    state = {"status": life.status, "installed_on": life.installed_on, "manufacturer": life.manufacturer,
             "model": life.model, "condition": life.condition, "attributes": dict(life.attributes)}
    attributes = _json(state["attributes"])  # encoded again only when they change
    history = [_history_row(asset_id, life.created_at, "created", INITIAL_REASON, {}, 1, fixed, state, attributes,
                            parent_id)]
    for recorded_at, change, reason, patch in life.events:
        changes = _apply(state, patch)
        if any(key.startswith("attributes.") for key in changes):
            attributes = _json(state["attributes"])
        history.append(_history_row(asset_id, recorded_at, change, reason, changes, len(history) + 1,
                                    fixed, state, attributes, parent_id))
    reference, type_id, ewkb, commune_id = fixed
    asset = (asset_id, reference, type_id, ewkb, commune_id, state["status"], state["installed_on"],
             state["manufacturer"], state["model"], state["condition"], attributes, parent_id, len(history))
    return asset, history


def _apply(state: dict, patch: dict) -> dict:
    """Apply a patch ({field or attributes.name: value}); returns {field: [before, after]}."""
    changes = {}
    for key, value in patch.items():
        if key.startswith("attributes."):
            name = key.removeprefix("attributes.")
            before = state["attributes"].pop(name, None)
            if value is not None:
                state["attributes"][name] = value
        else:
            before, state[key] = state[key], value
        if before != value:
            changes[key] = [before, value]
    return changes


def _history_row(asset_id: int, recorded_at: datetime, change: str, reason: str, changes: dict, version: int,
                 fixed: tuple, state: dict, attributes: str, parent_id: int | None) -> tuple:
    """A history row: the change, then the full state from ``recorded_at`` on."""
    reference, type_id, ewkb, commune_id = fixed
    return (asset_id, recorded_at, change, reason, _json(changes) if changes else "{}", version, reference, type_id,
            ewkb, commune_id, state["status"], state["installed_on"], state["manufacturer"], state["model"],
            state["condition"], attributes, parent_id)


_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


def _json(value: dict) -> str:
    """Compact JSON, accents kept."""
    return _ENCODER.encode(value)


def _bulk_load(connection: Connection, records: Iterator[_Record]) -> None:
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


# --- per commune -----------------------------------------------------------------------

def _commune_assets(run: _Run, commune: _Commune, streets: _Streets, quota: dict[str, int]) -> Iterator[_Record]:
    """All the assets of one commune, parents before their children."""
    yield from _lighting(run, commune, streets)
    yield from _junctions(run, commune, streets, quota["traffic_junction"])
    for number, code in enumerate(BASE_COUNTS):
        if code != "traffic_junction" and quota[code]:
            rng = _rng(run.seed, commune.key, STREAM_SCATTERED + number)
            yield from PLACERS[code](run, commune, streets, code, quota[code], rng)


@dataclass
class _Masts:
    """The lit street-light positions of a commune, along its pieces in order."""

    piece: np.ndarray
    t: np.ndarray  # distance from the piece's start
    dens: np.ndarray

    def __len__(self) -> int:
        return len(self.t)


def _lit_masts(streets: _Streets, scale: float, rng: np.random.Generator) -> _Masts:
    """Stations every 25-35 m along each piece; below scale 1, only on some spans."""
    pieces, stations = [np.zeros(0, dtype=int)], [np.zeros(0)]
    for k, length in enumerate(streets.length):
        gaps = rng.uniform(*MAST_GAP_M, int(length // MAST_GAP_M[0]) + 1)
        t = rng.uniform(3.0, 15.0) + np.concatenate([[0.0], np.cumsum(gaps[:-1])])
        t = t[t <= length - 3.0]
        pieces.append(np.full(len(t), k))
        stations.append(t)
    piece, t = np.concatenate(pieces), np.concatenate(stations)
    span = _span_of(streets.spans, piece, t)
    lit = _lit_spans(streets.spans.length, scale, rng)[span] if scale < 1.0 else np.ones(len(t), dtype=bool)
    return _Masts(piece[lit], t[lit], streets.spans.dens[span[lit]])


def _span_of(spans: _Spans, piece: np.ndarray, t: np.ndarray) -> np.ndarray:
    """The span of each point at ``t`` along ``piece``."""
    spans_per_piece = np.diff(np.r_[spans.first, len(spans.length)])
    k = np.minimum(t // spans.span_length[piece], spans_per_piece[piece] - 1)
    return spans.first[piece] + k.astype(int)


def _lit_spans(length: np.ndarray, scale: float, rng: np.random.Generator) -> np.ndarray:
    """A random share ``scale`` of the street length, span by span."""
    if not len(length):
        return np.zeros(0, dtype=bool)
    order = rng.permutation(len(length))
    cumulated = np.cumsum(length[order])
    lit = np.zeros(len(length), dtype=bool)
    lit[order[cumulated - length[order] / 2 < scale * cumulated[-1]]] = True
    return lit


def _along(streets: _Streets, piece: int, t: float, offset: float) -> tuple[float, float]:
    """The point at ``t`` along a piece, ``offset`` metres to its lit side."""
    x0, y0, x1, y1 = streets.pieces[piece]
    length = math.hypot(x1 - x0, y1 - y0)
    ux, uy = (x1 - x0) / length, (y1 - y0) / length
    side = streets.side[piece] * offset
    return x0 + t * ux - side * uy, y0 + t * uy + side * ux


def _lighting(run: _Run, commune: _Commune, streets: _Streets) -> Iterator[_Record]:
    """Cabinets of 80-150 masts, each with 2-4 circuits; each mast with its luminaire."""
    rng = _rng(run.seed, commune.key, STREAM_LIGHTS)
    rnd = _python_random(rng)
    masts = _lit_masts(streets, run.scale, rng)
    if not len(masts):
        return
    count = max(1, round(len(masts) / (sum(CABINET_MASTS) / 2)))
    start = 0
    for size in _split(len(masts), count, rng, *CABINET_MASTS):
        yield from _cabinet(run, commune, streets, masts, start, size, rng, rnd)
        start += size


def _cabinet(run: _Run, commune: _Commune, streets: _Streets, masts: _Masts, start: int, size: int,
             rng: np.random.Generator, rnd: random.Random) -> Iterator[_Record]:
    """A cabinet by its first mast, its circuits and their masts[start:start + size]."""
    piece, t = int(masts.piece[start]), float(masts.t[start])
    x, y = _along(streets, piece, min(t + 2.0, float(streets.length[piece])), MAST_OFFSET_M + 3.0)
    dens = float(masts.dens[start])
    cabinet = _life(rnd, "lighting_cabinet", dens)
    cabinet_id, record = run.asset("lighting_cabinet", commune, run.point(x, y), None, cabinet)
    yield record
    circuits = _split(size, rnd.randint(*CIRCUITS_PER_CABINET), rng, *CIRCUIT_SHARE)
    for number, count in enumerate(circuits, start=1):
        circuit = _child_life(rnd, "lighting_circuit", dens, cabinet, index=number)
        line = _circuit_line(streets, masts, start, start + count)
        circuit_id, record = run.asset("lighting_circuit", commune, run.shape(line), cabinet_id, circuit)
        yield record
        for k in range(start, start + count):
            yield from _mast(run, commune, streets, masts, k, circuit_id, cabinet, rnd)
        start += count


def _mast(run: _Run, commune: _Commune, streets: _Streets, masts: _Masts, k: int, circuit_id: int,
          cabinet: _Life, rnd: random.Random) -> Iterator[_Record]:
    """A mast under its circuit, then its luminaire under it."""
    piece, t, dens = int(masts.piece[k]), float(masts.t[k]), float(masts.dens[k])
    if cabinet.final_status == "planned":
        life = _life(rnd, "street_light", dens, final="planned")
    else:
        installed = min(cabinet.installed_on + timedelta(days=rnd.randint(0, 700)), LAST_INSTALL)
        life = _life(rnd, "street_light", dens, installed=installed)
    mast_id, record = run.asset("street_light", commune, run.point(*_along(streets, piece, t, MAST_OFFSET_M)),
                                circuit_id, life)
    yield record
    luminaire = _child_life(rnd, "luminaire", dens, life)
    # The lantern hangs 1.5 m over the street from the top of the mast.
    where = run.point(*_along(streets, piece, t, MAST_OFFSET_M - 1.5))
    yield run.asset("luminaire", commune, where, mast_id, luminaire)[1]


def _circuit_line(streets: _Streets, masts: _Masts, lo: int, hi: int) -> BaseGeometry:
    """The cable along the circuit's masts: one segment per street piece it follows."""
    pieces, stations = masts.piece[lo:hi], masts.t[lo:hi]
    heads = np.flatnonzero(np.r_[True, pieces[1:] != pieces[:-1]])
    tails = np.r_[heads[1:], len(pieces)] - 1
    segments = []
    for head, tail in zip(heads, tails):
        piece, t0, t1 = int(pieces[head]), float(stations[head]), float(stations[tail])
        if t1 - t0 < 1.0:  # a lone mast: a short stretch of cable on both sides
            t0, t1 = max(0.0, t0 - 8.0), min(float(streets.length[piece]), t1 + 8.0)
        segments.append([_along(streets, piece, t0, MAST_OFFSET_M), _along(streets, piece, t1, MAST_OFFSET_M)])
    return LineString(segments[0]) if len(segments) == 1 else MultiLineString(segments)


def _junctions(run: _Run, commune: _Commune, streets: _Streets, count: int) -> Iterator[_Record]:
    """Traffic-light junctions at crossings, each with 4-12 signal heads around it."""
    if not count:
        return
    rng = _rng(run.seed, commune.key, STREAM_JUNCTIONS)
    rnd = _python_random(rng)
    for corner in _pick_corners(streets, count, PROFILES["traffic_junction"].density_power, rng):
        (x, y), dens = streets.corners[corner], float(streets.corner_dens[corner])
        junction = _life(rnd, "traffic_junction", dens)
        junction_id, record = run.asset("traffic_junction", commune, run.point(x, y), None, junction)
        yield record
        heads = rnd.randint(4, 12)
        for h in range(heads):
            angle = streets.angle + 2 * math.pi * (h + rnd.uniform(-0.2, 0.2)) / heads
            radius = rnd.uniform(5.0, 9.0)
            head = _child_life(rnd, "signal_head", dens, junction, index=h)
            where = run.point(x + radius * math.cos(angle), y + radius * math.sin(angle))
            yield run.asset("signal_head", commune, where, junction_id, head)[1]


def _place_points(run: _Run, commune: _Commune, streets: _Streets, code: str, count: int,
                  rng: np.random.Generator) -> Iterator[_Record]:
    """Street furniture beside the streets, 2-9 m off the axis."""
    offsets = (2.0, 5.0) if code in ("bollard", "road_sign") else (4.0, 9.0)
    x, y, dens = _points_along(streets.spans, count, PROFILES[code].density_power, offsets, rng)
    yield from _point_assets(run, commune, code, x, y, dens, rng)


def _place_trees(run: _Run, commune: _Commune, streets: _Streets, code: str, count: int,
                 rng: np.random.Generator) -> Iterator[_Record]:
    """Street trees, in rows."""
    x, y, dens = _tree_rows(streets.spans, count, rng)
    yield from _point_assets(run, commune, code, x, y, dens, rng)


def _place_cameras(run: _Run, commune: _Commune, streets: _Streets, code: str, count: int,
                   rng: np.random.Generator) -> Iterator[_Record]:
    """Cameras at crossings (on a corner of it), mostly in the centres."""
    corners = _pick_corners(streets, count, PROFILES[code].density_power, rng)
    angle = rng.uniform(0, 2 * math.pi, count)
    radius = rng.uniform(3.0, 6.0, count)
    x = streets.corners[corners, 0] + radius * np.cos(angle)
    y = streets.corners[corners, 1] + radius * np.sin(angle)
    yield from _point_assets(run, commune, code, x, y, streets.corner_dens[corners], rng)


def _point_assets(run: _Run, commune: _Commune, code: str, x: np.ndarray, y: np.ndarray, dens: np.ndarray,
                  rng: np.random.Generator) -> Iterator[_Record]:
    """Assets of ``code`` at the given points, each with its own life."""
    rnd = _python_random(rng)
    for k in range(len(x)):
        life = _life(rnd, code, float(dens[k]))
        yield run.asset(code, commune, run.point(x[k], y[k]), None, life)[1]


def _place_cables(run: _Run, commune: _Commune, streets: _Streets, code: str, count: int,
                  rng: np.random.Generator) -> Iterator[_Record]:
    """Fibre cables along 150-1,500 m of a street, 2.5 m off its axis."""
    rnd = _python_random(rng)
    length = streets.length
    dens = streets.spans.dens[streets.spans.first]
    weights = length * dens ** PROFILES[code].density_power
    for piece in rng.choice(len(length), size=count, p=weights / weights.sum()):
        span = min(float(length[piece]), rng.uniform(150.0, 1500.0))
        t0 = rng.uniform(0.0, float(length[piece]) - span)
        line = LineString([_along(streets, int(piece), t0, -2.5), _along(streets, int(piece), t0 + span, -2.5)])
        yield run.asset(code, commune, run.shape(line), None, _life(rnd, code, float(dens[piece])))[1]


def _place_green_spaces(run: _Run, commune: _Commune, streets: _Streets, code: str, count: int,
                        rng: np.random.Generator) -> Iterator[_Record]:
    """Parks and squares beside the streets: larger where the town is sparser."""
    rnd = _python_random(rng)
    made = 0
    for _ in range(count * 50):  # a few blobs fall mostly outside the commune: draw again
        x, y, dens = _points_along(streets.spans, 1, PROFILES[code].density_power, (20.0, 60.0), rng)
        radius = min(200.0, rng.uniform(25.0, 60.0) / math.sqrt(min(1.0, float(dens[0]))))
        polygon = _largest_polygon(shapely.intersection(_blob(float(x[0]), float(y[0]), radius, rng), commune.area))
        if polygon is None or polygon.area < 400.0:
            continue
        yield run.asset(code, commune, run.shape(polygon), None, _life(rnd, code, float(dens[0])))[1]
        made += 1
        if made == count:
            return


def _blob(x: float, y: float, radius: float, rng: np.random.Generator) -> Polygon:
    """A rounded, star-shaped (hence simple) polygon around (x, y)."""
    n = 14
    angles = (np.arange(n) + rng.uniform(-0.3, 0.3, n)) * 2 * math.pi / n
    radii = radius * rng.uniform(0.75, 1.15, n)
    stretch, turn = rng.uniform(0.6, 1.4), rng.uniform(0, math.pi)
    u, v = radii * np.cos(angles) * stretch, radii * np.sin(angles)
    return Polygon(np.column_stack([x + u * math.cos(turn) - v * math.sin(turn),
                                    y + u * math.sin(turn) + v * math.cos(turn)]))


def _largest_polygon(geom: BaseGeometry) -> Polygon | None:
    """The largest valid polygon of ``geom``, if any."""
    polygons = [g for g in shapely.get_parts(geom) if isinstance(g, Polygon) and g.is_valid and not g.is_empty]
    return max(polygons, key=lambda g: g.area) if polygons else None


Placer = Callable[[_Run, _Commune, _Streets, str, int, np.random.Generator], Iterator[_Record]]
PLACERS: dict[str, Placer] = {
    "cctv_camera": _place_cameras, "road_sign": _place_points, "bench": _place_points, "litter_bin": _place_points,
    "tree": _place_trees, "fountain": _place_points, "defibrillator": _place_points,
    "parking_meter": _place_points, "ev_charger": _place_points, "bollard": _place_points,
    "info_panel": _place_points, "green_space": _place_green_spaces, "fibre_cable": _place_cables,
}
