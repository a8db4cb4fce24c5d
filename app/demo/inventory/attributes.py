"""Attribute values per asset type, valid against the catalogue's schemas.

One maker per type: every required field, enum values from the choices, integers as
int, decimals as float, dates as ISO strings, booleans as bool.
"""
from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date
from typing import Callable

from app.demo.inventory.dates import HORIZON, LAST_INSTALL, day_between

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


@dataclass(frozen=True)
class AttributeContext:
    """What attribute makers may depend on."""

    year: int | None  # installation year; None when planned
    dens: float
    index: int = 0


def _serial(rnd: random.Random, prefix: str) -> str:
    """A plausible 11-character serial number."""
    return f"{prefix}{rnd.randrange(10**9, 10**10)}"


def _year(ctx: AttributeContext) -> int:
    """The installation year, or this year for a planned asset."""
    return ctx.year or HORIZON.year


def _cabinet_attributes(rnd: random.Random, ctx: AttributeContext) -> dict:
    """Supply power, Enedis meter, remote management (only since 2010)."""
    return {"power_supply_kva": rnd.choice((6.0, 9.0, 12.0, 18.0, 24.0, 36.0)),
            "meter_number": str(rnd.randrange(10**13, 10**14)),  # a 14-digit Enedis delivery point
            "remote_managed": _year(ctx) >= 2010 and rnd.random() < 0.7}


def _circuit_attributes(rnd: random.Random, ctx: AttributeContext) -> dict:
    """The circuit's number in its cabinet and how it is switched."""
    switching = rnd.choices(("dusk_dawn", "half_night", "dimmed"), (6, 1, 3))[0]
    return {"circuit_number": ctx.index, "switching": switching}


def _mast_attributes(rnd: random.Random, ctx: AttributeContext) -> dict:
    """Low lanterns in town centres, taller masts along roads; concrete and wood are old."""
    urban = ctx.dens > 0.5  # town centres: lower lanterns, some on façades
    height = rnd.choice((4.0, 5.0, 6.0) if urban else (6.0, 8.0, 8.0, 10.0, 12.0))
    old = _year(ctx) < 2000
    material = rnd.choices(("steel", "aluminium", "concrete", "wood"), (6, 3, 1.5 if old else 0.1, 0.3))[0]
    return {"height_m": height, "material": material, "wall_mounted": urban and rnd.random() < 0.15}


def _luminaire_attributes(rnd: random.Random, ctx: AttributeContext) -> dict:
    """LED since about 2012-2016; before, sodium (mostly), metal halide or fluorescent lamps."""
    year = _year(ctx)
    if year >= 2016 or (year >= 2012 and rnd.random() < 0.5):
        return led_attributes(rnd)
    lamp = rnd.choices(("hps", "mh", "fluo"), (7, 2, 1))[0]
    relamped = day_between(rnd, max(date(year, 1, 1), date(2018, 1, 1)), LAST_INSTALL)
    powers = {"hps": (70, 100, 150, 250), "mh": (70, 100, 150), "fluo": (36, 55)}[lamp]
    return {"lamp_technology": lamp, "power_w": rnd.choice(powers),
            "colour_temperature_k": {"hps": 2000, "mh": 4200, "fluo": 4000}[lamp],
            "serial_number": _serial(rnd, "S"), "last_relamped_on": relamped.isoformat()}


def led_attributes(rnd: random.Random) -> dict:
    """An LED luminaire's lamp, power, colour temperature and serial number."""
    return {"lamp_technology": "led", "power_w": rnd.choice((19, 27, 36, 45, 60, 75, 95)),
            "colour_temperature_k": rnd.choice((2700, 3000, 3000, 4000)), "serial_number": _serial(rnd, "L")}


def _junction_attributes(rnd: random.Random, ctx: AttributeContext) -> dict:
    """Controller, phases, connection (only since 2000) and pedestrian buttons."""
    return {"controller_model": rnd.choice(("Tempo 3", "Mercure", "SCR 24", "Atlas 12")), "phases": rnd.randint(2, 6),
            "connected": _year(ctx) >= 2000 and rnd.random() < 0.85, "pedestrian_buttons": rnd.random() < 0.4}


def _signal_head_attributes(rnd: random.Random, ctx: AttributeContext) -> dict:
    """Who the head signals to (trams only in dense places) and whether it is LED."""
    kind = rnd.choices(("vehicle", "pedestrian", "cycle", "tram"), (60, 30, 7, 3 if ctx.dens > 0.6 else 0))[0]
    return {"head_kind": kind, "led": _year(ctx) >= 2008 or rnd.random() < 0.5}


def _camera_attributes(rnd: random.Random, ctx: AttributeContext) -> dict:
    """Height, direction, field of view (all round for a PTZ camera) and range."""
    ptz = rnd.random() < 0.4
    return {"mounting_height_m": float(rnd.randint(8, 16)) / 2, "direction_deg": float(rnd.randrange(0, 360, 5)),
            "field_of_view_deg": 360.0 if ptz else float(rnd.randrange(50, 115, 5)),
            "range_m": float(rnd.randrange(30, 160, 10)), "ptz": ptz}


def _bollard_attributes(rnd: random.Random, ctx: AttributeContext) -> dict:
    """How the bollard moves and who may lower it."""
    return {"mechanism": rnd.choices(("hydraulic", "electric", "pneumatic"), (5, 4, 1))[0],
            "access_control": rnd.choice(("Badge", "Interphone", "Télécommande", "Lecture de plaques", "Horaires"))}


def _info_panel_attributes(rnd: random.Random, ctx: AttributeContext) -> dict:
    """Display (full colour only since 2015) and width."""
    return {"display_kind": "full_colour" if _year(ctx) >= 2015 and rnd.random() < 0.6 else "led_text",
            "width_m": float(rnd.choice((1.0, 1.5, 2.0, 2.5, 3.0)))}


def _road_sign_attributes(rnd: random.Random, ctx: AttributeContext) -> dict:
    """Sign code and retroreflective class."""
    return {"sign_code": rnd.choice(SIGN_CODES), "retroreflective_class": "2" if rnd.random() < 0.35 else "1"}


def _bench_attributes(rnd: random.Random, ctx: AttributeContext) -> dict:
    """Material and number of seats."""
    return {"material": rnd.choices(("wood", "metal", "concrete"), (5, 4, 1))[0], "seats": rnd.choice((2, 3, 3, 4, 5))}


def _litter_bin_attributes(rnd: random.Random, ctx: AttributeContext) -> dict:
    """Capacity and waste sorting (only since 2015)."""
    return {"capacity_l": rnd.choice((30, 50, 60, 80, 100)), "sorting": _year(ctx) >= 2015 and rnd.random() < 0.4}


def _tree_attributes(rnd: random.Random, ctx: AttributeContext) -> dict:
    """Species always; planting year and height once planted (height grows with age)."""
    attributes: dict = {"species": rnd.choice(TREE_SPECIES)}
    if ctx.year:
        age = HORIZON.year - ctx.year
        attributes["planted_year"] = ctx.year
        attributes["height_m"] = round(min(25.0, 2.5 + 0.5 * age * rnd.uniform(0.7, 1.2)) * 2) / 2
    return attributes


def _fountain_attributes(rnd: random.Random, ctx: AttributeContext) -> dict:
    """Drinking water and winter shutdown."""
    return {"drinking_water": rnd.random() < 0.9, "winter_shutdown": rnd.random() < 0.7}


def _defibrillator_attributes(rnd: random.Random, ctx: AttributeContext) -> dict:
    """Where it hangs, whether it is reachable at night, when its battery expires."""
    expires = day_between(rnd, date(2026, 11, 1), date(2030, 12, 31))
    return {"location_detail": rnd.choice(PLACES_OF_DEFIBRILLATORS), "accessible_24h": rnd.random() < 0.55,
            "battery_expires_on": expires.isoformat()}


def _parking_meter_attributes(rnd: random.Random, ctx: AttributeContext) -> dict:
    """Tariff zone (dearer in the centre) and card payment."""
    zone = "Zone rouge" if ctx.dens > 0.8 else "Zone orange" if ctx.dens > 0.5 else "Zone verte"
    return {"tariff_zone": zone, "card_payment": _year(ctx) >= 2012 or rnd.random() < 0.5}


def _ev_charger_attributes(rnd: random.Random, ctx: AttributeContext) -> dict:
    """Charging power and number of connectors."""
    return {"power_kw": rnd.choices((7.4, 11.0, 22.0, 50.0), (2, 2, 5, 1))[0], "connectors": rnd.choice((1, 2, 2))}


def _green_space_attributes(rnd: random.Random, ctx: AttributeContext) -> dict:
    """A name and a maintenance class (class 1 in the centres)."""
    name = f"{rnd.choice(GREEN_SPACE_KINDS)} {rnd.choice(GREEN_SPACE_NAMES)}"
    return {"name": name, "maintenance_class": "1" if ctx.dens > 0.7 else rnd.choice(("2", "2", "3"))}


def _fibre_attributes(rnd: random.Random, ctx: AttributeContext) -> dict:
    """Fibre count and duct."""
    return {"fibre_count": rnd.choice((12, 24, 48, 72, 144)), "duct": rnd.choice(("PEHD 40", "PVC 45", "TPC 63"))}


ATTRIBUTES: dict[str, Callable[[random.Random, AttributeContext], dict]] = {
    "lighting_cabinet": _cabinet_attributes, "lighting_circuit": _circuit_attributes,
    "street_light": _mast_attributes, "luminaire": _luminaire_attributes,
    "traffic_junction": _junction_attributes, "signal_head": _signal_head_attributes,
    "cctv_camera": _camera_attributes, "bollard": _bollard_attributes, "info_panel": _info_panel_attributes,
    "road_sign": _road_sign_attributes, "bench": _bench_attributes, "litter_bin": _litter_bin_attributes,
    "tree": _tree_attributes, "fountain": _fountain_attributes, "defibrillator": _defibrillator_attributes,
    "parking_meter": _parking_meter_attributes, "ev_charger": _ev_charger_attributes,
    "green_space": _green_space_attributes, "fibre_cable": _fibre_attributes,
}
