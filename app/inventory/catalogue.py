"""The asset-type catalogue shipped for a French métropole (loaded by ``load_catalogue``).

Type codes are stable English snake_case identifiers used by the API and imports.
An administrator may edit labels, schemas and symbols afterwards; loading again only
adds the types that are missing, it never overwrites an administrator's edits.
"""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.inventory.models import AssetType


def field(name: str, fr: str, en: str, kind: str, required: bool = False, unit: str | None = None,
          choices: list[tuple[str, str, str]] | None = None) -> dict:
    """One attribute of a type's schema."""
    spec: dict = {"name": name, "label_fr": fr, "label_en": en, "kind": kind, "required": required}
    if unit:
        spec["unit"] = unit
    if choices:
        spec["choices"] = [{"value": v, "label_fr": f, "label_en": e} for v, f, e in choices]
    return spec


LAMP_TECHNOLOGIES = [("led", "LED", "LED"), ("hps", "Sodium haute pression", "High-pressure sodium"),
                     ("mh", "Iodures métalliques", "Metal halide"), ("fluo", "Fluorescent", "Fluorescent")]

# The trade each type's work needs (AssetType.skill), read by dispatch to match crews.
SKILL_OF_TYPE: dict[str, str] = {
    "lighting_cabinet": "street_lighting", "lighting_circuit": "street_lighting",
    "street_light": "street_lighting", "luminaire": "street_lighting",
    "traffic_junction": "traffic_signals", "signal_head": "traffic_signals",
    "bollard": "traffic_signals", "info_panel": "traffic_signals",
    "cctv_camera": "cctv", "fibre_cable": "cctv",
    "road_sign": "roadworks", "road_segment": "roadworks",
    "bench": "street_furniture", "litter_bin": "street_furniture", "fountain": "street_furniture",
    "defibrillator": "street_furniture", "parking_meter": "street_furniture", "ev_charger": "street_furniture",
    "tree": "green_spaces", "green_space": "green_spaces",
}

# Types whose exact positions only some roles may see (AssetType.is_sensitive).
SENSITIVE_TYPES = frozenset({"cctv_camera"})

CATALOGUE: list[dict] = [
    dict(code="lighting_cabinet", label_fr="Armoire d'éclairage", label_en="Lighting cabinet", geometry_kind="point",
         reference_prefix="AR", symbol="square", colour="#6a3d9a", parents=[],
         schema=[field("power_supply_kva", "Puissance souscrite", "Subscribed power", "decimal", unit="kVA"),
                 field("meter_number", "N° de compteur", "Meter number", "text"),
                 field("remote_managed", "Télégéré", "Remotely managed", "boolean")]),
    dict(code="lighting_circuit", label_fr="Circuit d'éclairage", label_en="Lighting circuit", geometry_kind="line",
         reference_prefix="CI", symbol="line", colour="#cab2d6", parents=["lighting_cabinet"],
         schema=[field("circuit_number", "N° de départ", "Circuit number", "integer", required=True),
                 field("switching", "Allumage", "Switching", "enum", choices=[
                     ("dusk_dawn", "Crépusculaire", "Dusk to dawn"), ("half_night", "Demi-nuit", "Half night"),
                     ("dimmed", "Abaissement", "Dimmed")])]),
    dict(code="street_light", label_fr="Mât d'éclairage", label_en="Street-light mast", geometry_kind="point",
         reference_prefix="EP", symbol="circle", colour="#ff7f00", parents=["lighting_circuit", "lighting_cabinet"],
         schema=[field("height_m", "Hauteur", "Height", "decimal", required=True, unit="m"),
                 field("material", "Matériau", "Material", "enum", choices=[
                     ("steel", "Acier", "Steel"), ("aluminium", "Aluminium", "Aluminium"),
                     ("concrete", "Béton", "Concrete"), ("wood", "Bois", "Wood")]),
                 field("wall_mounted", "Sur façade", "Wall-mounted", "boolean")]),
    dict(code="luminaire", label_fr="Luminaire", label_en="Luminaire", geometry_kind="point",
         reference_prefix="LU", symbol="star", colour="#ffbf00", parents=["street_light"],
         schema=[field("lamp_technology", "Technologie", "Lamp technology", "enum", required=True, choices=LAMP_TECHNOLOGIES),
                 field("power_w", "Puissance", "Power", "integer", required=True, unit="W"),
                 field("colour_temperature_k", "Température de couleur", "Colour temperature", "integer", unit="K"),
                 field("serial_number", "N° de série", "Serial number", "text"),
                 field("last_relamped_on", "Dernier relampage", "Last relamped on", "date")]),
    dict(code="traffic_junction", label_fr="Carrefour à feux (contrôleur)", label_en="Traffic-light junction (controller)",
         geometry_kind="point", reference_prefix="SLT", symbol="diamond", colour="#e31a1c", parents=[],
         schema=[field("controller_model", "Modèle de contrôleur", "Controller model", "text"),
                 field("phases", "Nombre de phases", "Number of phases", "integer"),
                 field("connected", "Raccordé au PC", "Connected to control room", "boolean", required=True),
                 field("pedestrian_buttons", "Boutons piétons", "Pedestrian buttons", "boolean")]),
    dict(code="signal_head", label_fr="Tête de feu", label_en="Signal head", geometry_kind="point",
         reference_prefix="FE", symbol="triangle", colour="#fb9a99", parents=["traffic_junction"],
         schema=[field("head_kind", "Type", "Kind", "enum", required=True, choices=[
                     ("vehicle", "Véhicules", "Vehicles"), ("pedestrian", "Piétons", "Pedestrians"),
                     ("cycle", "Cycles", "Cycles"), ("tram", "Tramway", "Tram")]),
                 field("led", "LED", "LED", "boolean")]),
    dict(code="cctv_camera", label_fr="Caméra de vidéoprotection", label_en="CCTV camera", geometry_kind="point",
         reference_prefix="CAM", symbol="camera", colour="#1f78b4", parents=[],
         schema=[field("mounting_height_m", "Hauteur de pose", "Mounting height", "decimal", required=True, unit="m"),
                 field("direction_deg", "Orientation", "Direction", "decimal", required=True, unit="°"),
                 field("field_of_view_deg", "Angle de champ", "Field of view", "decimal", required=True, unit="°"),
                 field("range_m", "Portée", "Range", "decimal", required=True, unit="m"),
                 field("ptz", "Dôme motorisé (PTZ)", "Pan-tilt-zoom", "boolean")]),
    dict(code="bollard", label_fr="Borne escamotable", label_en="Retractable bollard", geometry_kind="point",
         reference_prefix="BO", symbol="square", colour="#33a02c", parents=[],
         schema=[field("mechanism", "Mécanisme", "Mechanism", "enum", choices=[
                     ("hydraulic", "Hydraulique", "Hydraulic"), ("electric", "Électrique", "Electric"),
                     ("pneumatic", "Pneumatique", "Pneumatic")]),
                 field("access_control", "Contrôle d'accès", "Access control", "text")]),
    dict(code="info_panel", label_fr="Panneau d'information électronique", label_en="Electronic information panel",
         geometry_kind="point", reference_prefix="PMV", symbol="square", colour="#b15928", parents=[],
         schema=[field("display_kind", "Affichage", "Display", "enum", choices=[
                     ("led_text", "Texte LED", "LED text"), ("full_colour", "Couleur", "Full colour")]),
                 field("width_m", "Largeur", "Width", "decimal", unit="m")]),
    dict(code="road_sign", label_fr="Panneau de signalisation", label_en="Road sign", geometry_kind="point",
         reference_prefix="SV", symbol="triangle", colour="#a6cee3", parents=[],
         schema=[field("sign_code", "Code du panneau", "Sign code", "text", required=True),
                 field("retroreflective_class", "Classe de rétroréflexion", "Retroreflective class", "enum",
                       choices=[("1", "Classe 1", "Class 1"), ("2", "Classe 2", "Class 2")])]),
    dict(code="bench", label_fr="Banc", label_en="Bench", geometry_kind="point",
         reference_prefix="BA", symbol="square", colour="#8c6d31", parents=[],
         schema=[field("material", "Matériau", "Material", "enum", choices=[
                     ("wood", "Bois", "Wood"), ("metal", "Métal", "Metal"), ("concrete", "Béton", "Concrete")]),
                 field("seats", "Places", "Seats", "integer")]),
    dict(code="litter_bin", label_fr="Corbeille", label_en="Litter bin", geometry_kind="point",
         reference_prefix="CO", symbol="circle", colour="#636363", parents=[],
         schema=[field("capacity_l", "Contenance", "Capacity", "integer", unit="L"),
                 field("sorting", "Tri sélectif", "Sorting", "boolean")]),
    dict(code="tree", label_fr="Arbre d'alignement", label_en="Street tree", geometry_kind="point",
         reference_prefix="AB", symbol="circle", colour="#1b9e77", parents=[],
         schema=[field("species", "Essence", "Species", "text", required=True),
                 field("planted_year", "Année de plantation", "Year planted", "integer"),
                 field("height_m", "Hauteur", "Height", "decimal", unit="m")]),
    dict(code="fountain", label_fr="Fontaine à boire", label_en="Drinking fountain", geometry_kind="point",
         reference_prefix="FO", symbol="circle", colour="#1f9ede", parents=[],
         schema=[field("drinking_water", "Eau potable", "Drinking water", "boolean", required=True),
                 field("winter_shutdown", "Coupée l'hiver", "Shut down in winter", "boolean")]),
    dict(code="defibrillator", label_fr="Défibrillateur", label_en="Defibrillator", geometry_kind="point",
         reference_prefix="DAE", symbol="cross", colour="#d7301f", parents=[],
         schema=[field("location_detail", "Emplacement précis", "Exact location", "text"),
                 field("accessible_24h", "Accessible 24 h/24", "Accessible 24/7", "boolean"),
                 field("battery_expires_on", "Fin de validité batterie", "Battery expires on", "date")]),
    dict(code="parking_meter", label_fr="Horodateur", label_en="Parking meter", geometry_kind="point",
         reference_prefix="HO", symbol="square", colour="#7570b3", parents=[],
         schema=[field("tariff_zone", "Zone tarifaire", "Tariff zone", "text"),
                 field("card_payment", "Paiement par carte", "Card payment", "boolean")]),
    dict(code="ev_charger", label_fr="Borne de recharge", label_en="EV charging point", geometry_kind="point",
         reference_prefix="IRVE", symbol="square", colour="#66a61e", parents=[],
         schema=[field("power_kw", "Puissance", "Power", "decimal", required=True, unit="kW"),
                 field("connectors", "Points de charge", "Connectors", "integer")]),
    dict(code="road_segment", label_fr="Tronçon de voie", label_en="Road segment", geometry_kind="line",
         reference_prefix="VO", symbol="line", colour="#969696", parents=[],
         schema=[field("name", "Nom de la voie", "Street name", "text"),
                 field("one_way", "Sens unique", "One way", "boolean"),
                 field("ownership", "Domanialité", "Ownership", "enum", choices=[
                     ("public", "Publique", "Public"), ("private", "Privée", "Private")])]),
    dict(code="fibre_cable", label_fr="Câble fibre optique", label_en="Fibre-optic cable", geometry_kind="line",
         reference_prefix="FI", symbol="line", colour="#e7298a", parents=[],
         schema=[field("fibre_count", "Nombre de fibres", "Fibre count", "integer", required=True),
                 field("duct", "Fourreau", "Duct", "text")]),
    dict(code="green_space", label_fr="Espace vert", label_en="Green space", geometry_kind="polygon",
         reference_prefix="EV", symbol="polygon", colour="#a1d99b", parents=[],
         schema=[field("name", "Nom", "Name", "text"),
                 field("maintenance_class", "Classe d'entretien", "Maintenance class", "enum", choices=[
                     ("1", "Prestige", "Prestige"), ("2", "Jardiné", "Tended"), ("3", "Naturel", "Natural")])]),
]


def load_catalogue(session: Session) -> int:
    """Add the catalogue's types that do not exist yet; returns how many were added."""
    existing = set(session.scalars(select(AssetType.code)))
    added = 0
    for entry in CATALOGUE:
        if entry["code"] in existing:
            continue
        session.add(AssetType(
            code=entry["code"], label_fr=entry["label_fr"], label_en=entry["label_en"],
            geometry_kind=entry["geometry_kind"], reference_prefix=entry["reference_prefix"],
            attribute_schema=entry["schema"], symbol=entry["symbol"], colour=entry["colour"],
            parent_type_codes=entry["parents"], skill=SKILL_OF_TYPE.get(entry["code"]),
            is_sensitive=entry["code"] in SENSITIVE_TYPES,
        ))
        added += 1
    session.flush()
    return added
