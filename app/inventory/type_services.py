"""Administration of asset types: reads for the admin pages, validated create and update.

Validation reports every wrong field at once, before anything is written. Field errors
are keyed by the field's name (``code``, ``colour``…) and, for the attribute schema, by
``attributes.<position>.<key>`` where ``position`` is the field's index in the list given.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session

from app.auth.models import User
from app.auth.roles import Permission
from app.errors import NotFound, PermissionDenied, ValidationFailed
from app.i18n import Msg, msg
from app.inventory.models import GEOMETRY_KINDS, Asset, AssetType
from app.inventory.services import CORE_FIELDS, DERIVED_FIELDS

SYMBOLS = ("circle", "square", "triangle", "diamond", "star", "cross", "camera", "line", "polygon")
ATTRIBUTE_KINDS = ("text", "integer", "decimal", "enum", "date", "boolean")
UNIT_KINDS = ("integer", "decimal")
RESERVED_ATTRIBUTE_NAMES = frozenset(CORE_FIELDS) | frozenset(DERIVED_FIELDS)
# /admin/asset-types/new is the creation page; /ogc/collections/interventions is not an asset type.
RESERVED_CODES = frozenset({"new", "interventions"})
SNAKE_CASE = re.compile(r"^[a-z][a-z0-9_]*$")
CHOICE_VALUE = re.compile(r"^[a-z0-9][a-z0-9_]*$")
PREFIX = re.compile(r"^[A-Z]{2,6}$")
COLOUR = re.compile(r"^#[0-9a-f]{6}$")
MAX_CODE, MAX_LABEL, MAX_UNIT = 40, 120, 20


@dataclass
class TypeDraft:
    """What an administrator submits for a type (the code is ignored on update)."""

    code: str
    label_fr: str
    label_en: str
    geometry_kind: str
    reference_prefix: str
    symbol: str
    colour: str
    parent_type_codes: list[str] = field(default_factory=list)
    attributes: list[dict] = field(default_factory=list)


@dataclass(frozen=True)
class TypeSummary:
    """One row of the asset-type list."""

    asset_type: AssetType
    asset_count: int


# --- reads ------------------------------------------------------------------------------

def list_types_with_counts(session: Session) -> list[TypeSummary]:
    """Every asset type with the number of assets of that type (all statuses)."""
    counts = dict(session.execute(select(Asset.type_id, func.count()).group_by(Asset.type_id)).all())
    types = session.scalars(select(AssetType).order_by(AssetType.code))
    return [TypeSummary(t, counts.get(t.id, 0)) for t in types]


def label_sort_key(label: str) -> str:
    """Sort labels as a reader expects: accents and case ignored (Câble before Corbeille)."""
    decomposed = unicodedata.normalize("NFKD", label.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def get_type(session: Session, code: str) -> AssetType:
    """The asset type ``code``, or NotFound."""
    asset_type = session.scalar(select(AssetType).where(AssetType.code == code))
    if asset_type is None:
        raise NotFound(msg("No asset type %(code)s.", code=code))
    return asset_type


def all_types(session: Session) -> list[AssetType]:
    """Every asset type, by code."""
    return list(session.scalars(select(AssetType).order_by(AssetType.code)))


def type_has_assets(session: Session, asset_type: AssetType) -> bool:
    """Whether any asset (decommissioned included) is of ``asset_type``."""
    return bool(session.scalar(select(exists().where(Asset.type_id == asset_type.id))))


# --- choices as text (the form's notation) ------------------------------------------------

def choices_from_text(text: str) -> list[dict]:
    """Parse ``led=LED|LED; hps=Sodium haute pression|High-pressure sodium`` (lenient)."""
    choices = []
    for item in (text or "").split(";"):
        if not item.strip():
            continue
        value, _, labels = item.partition("=")
        label_fr, _, label_en = labels.partition("|")
        choices.append({"value": value.strip(), "label_fr": label_fr.strip(), "label_en": label_en.strip()})
    return choices


def choices_to_text(choices: list[dict]) -> str:
    """The inverse of ``choices_from_text``."""
    return "; ".join(f"{c['value']}={c['label_fr']}|{c['label_en']}" for c in choices or [])


# --- state changes ----------------------------------------------------------------------

def create_asset_type(session: Session, actor: User, draft: TypeDraft) -> AssetType:
    """Add a new asset type after checking every field."""
    _require_admin(actor)
    draft = _normalised(draft)
    errors = _type_errors(session, draft, existing=None)
    if errors:
        raise ValidationFailed(msg("Some fields are not valid."), errors)
    asset_type = AssetType(code=draft.code, attribute_schema=[], parent_type_codes=[])
    _apply(asset_type, draft)
    session.add(asset_type)
    session.flush()
    return asset_type


def update_asset_type(session: Session, actor: User, code: str, draft: TypeDraft) -> AssetType:
    """Change the type ``code`` (its code stays) after checking every field."""
    _require_admin(actor)
    asset_type = session.scalar(select(AssetType).where(AssetType.code == code).with_for_update())
    if asset_type is None:
        raise NotFound(msg("No asset type %(code)s.", code=code))
    draft = _normalised(draft)
    draft.code = asset_type.code
    draft.parent_type_codes = _in_stored_order(asset_type.parent_type_codes, draft.parent_type_codes)
    errors = _type_errors(session, draft, existing=asset_type)
    if errors:
        raise ValidationFailed(msg("Some fields are not valid."), errors)
    _apply(asset_type, draft)
    session.flush()
    return asset_type


def _in_stored_order(stored: list[str], chosen: list[str]) -> list[str]:
    """Parents kept in their stored order (a multi-select loses it), new ones after."""
    return [code for code in stored if code in chosen] + [code for code in chosen if code not in stored]


def _require_admin(actor: User) -> None:
    """Only a role with MANAGE_ASSET_TYPES may change types."""
    if not actor.can(Permission.MANAGE_ASSET_TYPES):
        raise PermissionDenied(msg("Your role does not allow managing asset types."))


def _apply(asset_type: AssetType, draft: TypeDraft) -> None:
    """Copy the checked draft onto the type."""
    asset_type.label_fr, asset_type.label_en = draft.label_fr, draft.label_en
    asset_type.geometry_kind, asset_type.reference_prefix = draft.geometry_kind, draft.reference_prefix
    asset_type.symbol, asset_type.colour = draft.symbol, draft.colour
    asset_type.parent_type_codes = list(draft.parent_type_codes)
    asset_type.attribute_schema = [_stored_spec(spec) for spec in draft.attributes]


def _stored_spec(spec: dict) -> dict:
    """The schema entry in the catalogue's shape: unit and choices only when they apply."""
    stored = {key: spec[key] for key in ("name", "label_fr", "label_en", "kind", "required")}
    if spec["kind"] in UNIT_KINDS and spec.get("unit"):
        stored["unit"] = spec["unit"]
    if spec["kind"] == "enum":
        stored["choices"] = spec["choices"]
    return stored


def _normalised(draft: TypeDraft) -> TypeDraft:
    """Trimmed strings, lower-case colour, parents without repeats, attributes as clean dicts."""
    return TypeDraft(
        code=(draft.code or "").strip(), label_fr=(draft.label_fr or "").strip(),
        label_en=(draft.label_en or "").strip(), geometry_kind=(draft.geometry_kind or "").strip(),
        reference_prefix=(draft.reference_prefix or "").strip(), symbol=(draft.symbol or "").strip(),
        colour=(draft.colour or "").strip().lower(),
        parent_type_codes=list(dict.fromkeys(c.strip() for c in draft.parent_type_codes or [] if c.strip())),
        attributes=[_normalised_spec(spec) for spec in draft.attributes or []],
    )


def _normalised_spec(spec: dict) -> dict:
    """One attribute definition with every key present and trimmed."""
    choices = [{k: str(c.get(k) or "").strip() for k in ("value", "label_fr", "label_en")}
               for c in spec.get("choices") or []]
    return {"name": str(spec.get("name") or "").strip(), "label_fr": str(spec.get("label_fr") or "").strip(),
            "label_en": str(spec.get("label_en") or "").strip(), "kind": str(spec.get("kind") or "").strip(),
            "required": bool(spec.get("required")), "unit": str(spec.get("unit") or "").strip(),
            "choices": choices}


# --- validation -------------------------------------------------------------------------

def _type_errors(session: Session, draft: TypeDraft, existing: AssetType | None) -> dict[str, Msg]:
    """Every wrong field of ``draft`` (empty when it may be saved)."""
    errors: dict[str, Msg] = {}
    if existing is None:
        _check_code(session, draft.code, errors)
    for name in ("label_fr", "label_en"):
        _check_label(getattr(draft, name), name, errors)
    _check_scalars(draft, errors)
    _check_parents(session, draft, errors)
    has_assets = existing is not None and type_has_assets(session, existing)
    if has_assets and draft.geometry_kind != existing.geometry_kind and "geometry_kind" not in errors:
        errors["geometry_kind"] = msg("The geometry kind cannot change while assets of this type exist.")
    _check_schema(draft.attributes, errors)
    if has_assets:
        _check_kinds_in_use(session, existing, draft.attributes, errors)
    return errors


def _check_code(session: Session, code: str, errors: dict[str, Msg]) -> None:
    """A new code: snake_case, short, not reserved, not taken."""
    if not code:
        errors["code"] = msg("This field is required.")
    elif not SNAKE_CASE.match(code):
        errors["code"] = msg("Use lower-case letters, digits and underscores, starting with a letter.")
    elif len(code) > MAX_CODE:
        errors["code"] = msg("At most %(max)s characters.", max=MAX_CODE)
    elif code in RESERVED_CODES:
        errors["code"] = msg("This code is reserved.")
    elif session.scalar(select(exists().where(AssetType.code == code))):
        errors["code"] = msg("Another asset type already has this code.")


def _check_label(label: str, key: str, errors: dict[str, Msg]) -> None:
    """A label: given and not too long."""
    if not label:
        errors[key] = msg("This field is required.")
    elif len(label) > MAX_LABEL:
        errors[key] = msg("At most %(max)s characters.", max=MAX_LABEL)


def _check_scalars(draft: TypeDraft, errors: dict[str, Msg]) -> None:
    """Geometry kind, reference prefix, colour and symbol."""
    if draft.geometry_kind not in GEOMETRY_KINDS:
        errors["geometry_kind"] = msg("Unknown geometry kind %(value)s.", value=draft.geometry_kind)
    if not PREFIX.match(draft.reference_prefix):
        errors["reference_prefix"] = msg("Two to six capital letters (A to Z).")
    if not COLOUR.match(draft.colour):
        errors["colour"] = msg("A colour written #rrggbb, such as #1f78b4.")
    if draft.symbol not in SYMBOLS:
        errors["symbol"] = msg("Unknown symbol %(value)s.", value=draft.symbol)


def _check_parents(session: Session, draft: TypeDraft, errors: dict[str, Msg]) -> None:
    """Parents exist and are other types."""
    if draft.code in draft.parent_type_codes:
        errors["parent_type_codes"] = msg("A type cannot be its own parent.")
        return
    known = set(session.scalars(select(AssetType.code).where(AssetType.code.in_(draft.parent_type_codes))))
    unknown = [code for code in draft.parent_type_codes if code not in known]
    if unknown:
        errors["parent_type_codes"] = msg("Unknown asset type %(code)s.", code=", ".join(unknown))


def _check_schema(specs: list[dict], errors: dict[str, Msg]) -> None:
    """Every attribute definition, and names unique within the type."""
    seen: set[str] = set()
    for position, spec in enumerate(specs):
        for key, message in _spec_errors(spec).items():
            errors[f"attributes.{position}.{key}"] = message
        name_key = f"attributes.{position}.name"
        if spec["name"] in seen and name_key not in errors:
            errors[name_key] = msg("Another field of this type already has the name %(name)s.", name=spec["name"])
        seen.add(spec["name"])


def _spec_errors(spec: dict) -> dict[str, Msg]:
    """The wrong keys of one attribute's definition."""
    errors: dict[str, Msg] = {}
    name = spec["name"]
    if not name:
        errors["name"] = msg("This field is required.")
    elif not SNAKE_CASE.match(name):
        errors["name"] = msg("Use lower-case letters, digits and underscores, starting with a letter.")
    elif len(name) > MAX_CODE:
        errors["name"] = msg("At most %(max)s characters.", max=MAX_CODE)
    elif name in RESERVED_ATTRIBUTE_NAMES:
        errors["name"] = msg("%(name)s is reserved for the asset's own properties.", name=name)
    for key in ("label_fr", "label_en"):
        _check_label(spec[key], key, errors)
    if spec["kind"] not in ATTRIBUTE_KINDS:
        errors["kind"] = msg("Unknown field kind %(value)s.", value=spec["kind"])
    if spec["unit"] and spec["kind"] not in UNIT_KINDS:
        errors["unit"] = msg("Only whole and decimal numbers have a unit.")
    elif len(spec["unit"]) > MAX_UNIT:
        errors["unit"] = msg("At most %(max)s characters.", max=MAX_UNIT)
    choice_error = _choices_error(spec["kind"], spec["choices"])
    if choice_error:
        errors["choices"] = choice_error
    return errors


def _choices_error(kind: str, choices: list[dict]) -> Msg | None:
    """What is wrong with a field's choices, if anything."""
    if kind != "enum":
        return msg("Only a list of choices takes choices.") if choices else None
    if not choices:
        return msg("A list of choices needs at least one choice.")
    seen: set[str] = set()
    for choice in choices:
        if not (choice["value"] and choice["label_fr"] and choice["label_en"]):
            return msg("Write each choice as value=French label|English label, separated by semicolons.")
        if not CHOICE_VALUE.match(choice["value"]):
            return msg("Choice values use lower-case letters, digits and underscores (%(value)s).", value=choice["value"])
        if choice["value"] in seen:
            return msg("The choice %(value)s appears twice.", value=choice["value"])
        seen.add(choice["value"])
    return None


def _check_kinds_in_use(session: Session, existing: AssetType, specs: list[dict], errors: dict[str, Msg]) -> None:
    """An attribute that assets of the type hold values for keeps its kind."""
    before = {spec["name"]: spec["kind"] for spec in existing.attribute_schema}
    for position, spec in enumerate(specs):
        key = f"attributes.{position}.kind"
        if key in errors or spec["name"] not in before or before[spec["name"]] == spec["kind"]:
            continue
        in_use = select(exists().where(Asset.type_id == existing.id, Asset.attributes.has_key(spec["name"])))
        if session.scalar(in_use):
            errors[key] = msg("Assets already hold values for this field: its kind cannot change.")
