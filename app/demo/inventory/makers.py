"""Manufacturers and models per asset type (and, for some types, per family of attributes)."""
from __future__ import annotations

import random
from typing import Callable

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


def draw_maker(rnd: random.Random, code: str, attributes: dict) -> tuple[str | None, str | None]:
    """A manufacturer and model that fit the type (and, for some types, the attributes)."""
    family = FAMILY_OF.get(code)
    return pick_maker(rnd, FAMILY_MAKERS[(code, family(attributes))] if family else MAKERS.get(code, ()))


def pick_maker(rnd: random.Random, makers: Makers) -> tuple[str | None, str | None]:
    """One (manufacturer, model) of ``makers``, or (None, None) for natural things."""
    if not makers:
        return None, None
    maker, models = rnd.choice(makers)
    return maker, rnd.choice(models)
