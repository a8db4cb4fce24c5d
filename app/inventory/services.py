"""State changes of the asset registry. Every change writes one history row.

Services take the session and the acting user, flush and never commit; they raise
app.errors with messages at the field that is wrong, before anything is written.
"""
from __future__ import annotations

from datetime import date, datetime

from geoalchemy2.shape import from_shape, to_shape
from shapely.geometry.base import BaseGeometry
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from app.auth.models import User
from app.auth.roles import Permission
from app.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from app.i18n import Msg, msg
from app.inventory.attributes import validate_attributes
from app.inventory.models import ASSET_STATE_COLUMNS, ASSET_STATUSES, Asset, AssetHistory, AssetType
from app.inventory.placement import check_geometry_shape, commune_of

# Properties an editor may set besides the typed attributes.
CORE_FIELDS = ("status", "installed_on", "manufacturer", "model", "condition", "parent_id", "external_ref")
# Properties that are derived or identify the asset: ignored when sent back unchanged.
DERIVED_FIELDS = ("type", "reference", "commune", "commune_name", "version", "type_label")


def create_asset(session: Session, actor: User, type_code: str, geom: BaseGeometry | None, srid: int,
                 properties: dict | None = None, reason: str | None = None) -> Asset:
    """Create an asset of ``type_code`` at ``geom`` (storage SRID); reference and commune are derived."""
    _require_editor(actor)
    asset_type = session.scalar(select(AssetType).where(AssetType.code == type_code))
    if asset_type is None:
        raise ValidationFailed(msg("Unknown asset type."), {"type": msg("Unknown asset type %(code)s.", code=str(type_code))})
    properties = dict(properties or {})
    properties.setdefault("status", "in_service")
    errors: dict[str, Msg] = {}
    core, attributes = _collecting(errors, _split_and_validate, session, asset_type, properties, partial=False, asset=None) or ({}, {})
    _collecting(errors, check_geometry_shape, geom, asset_type.geometry_kind)
    placement = None if "geometry" in errors else _collecting(errors, commune_of, session, geom, srid)
    if errors:
        raise ValidationFailed(msg("Some fields are not valid."), errors)
    commune_id, insee = placement
    _require_commune_in_scope(actor, commune_id)
    number = session.execute(text("SELECT nextval('asset_reference_seq')")).scalar_one()
    asset = Asset(
        reference=f"{asset_type.reference_prefix}-{insee}-{number:06d}", asset_type=asset_type,
        geom=from_shape(geom, srid=srid), commune_id=commune_id, attributes=attributes, **core,
    )
    session.add(asset)
    session.flush()
    _record(session, asset, actor, "created", {}, reason)
    return asset


def update_asset(session: Session, actor: User, asset_id: int, expected_version: int | None,
                 srid: int, geom: BaseGeometry | None = None, properties: dict | None = None,
                 reason: str | None = None, import_id: int | None = None) -> Asset:
    """Apply a partial change; refuse a stale ``expected_version`` with a Conflict (409).
    ``import_id``: the import that makes the change (named by its history row)."""
    _require_editor(actor)
    asset = _locked_asset(session, actor, asset_id)
    _check_version(asset, expected_version, geom, properties)
    if asset.status == "decommissioned":
        raise ValidationFailed(msg("A decommissioned asset cannot be changed."))
    before = _state(asset)
    core, attributes = _split_and_validate(session, asset.asset_type, dict(properties or {}), partial=True, asset=asset)
    if "status" in core and core["status"] != asset.status and not (reason or "").strip():
        raise ValidationFailed(msg("Give a reason."), {"reason": msg("A status change needs a reason.")})
    if geom is not None:
        check_geometry_shape(geom, asset.asset_type.geometry_kind)
        commune_id, _ = commune_of(session, geom, srid)
        _require_commune_in_scope(actor, commune_id)
        asset.geom, asset.commune_id = from_shape(geom, srid=srid), commune_id
    for name, value in core.items():
        setattr(asset, name, value)
    if attributes:
        asset.attributes = {**asset.attributes, **attributes}
    changes = _diff(before, _state(asset))
    if not changes:
        return asset
    asset.updated_at = func.now()
    session.flush()
    _record(session, asset, actor, _change_kind(changes), changes, reason, import_id=import_id)
    return asset


def decommission_asset(session: Session, actor: User, asset_id: int, expected_version: int | None,
                       srid: int, reason: str) -> Asset:
    """Take an asset out of the inventory for good; it stays in the history ("delete")."""
    return update_asset(session, actor, asset_id, expected_version, srid,
                        properties={"status": "decommissioned"}, reason=reason)


def bulk_update(session: Session, actor: User, asset_ids: list[int], properties: dict, srid: int,
                reason: str | None = None) -> list[Asset]:
    """Set the same properties on many assets in one transaction, one history row each."""
    errors: dict[str, Msg] = {}
    updated = []
    for asset_id in sorted(set(asset_ids)):
        try:
            updated.append(update_asset(session, actor, asset_id, None, srid, properties=properties, reason=reason))
        except (ValidationFailed, NotFound) as error:
            errors[str(asset_id)] = error.message
    if errors:
        raise ValidationFailed(msg("No asset was changed: some cannot take this value."), errors)
    return updated


def apply_field_work(session: Session, actor: User, asset_id: int, change: str, properties: dict,
                     reason: str, intervention_id: int) -> Asset:
    """Apply what an intervention did to an asset (repaired, replaced, decommissioned), with
    one history row that links to the intervention. The intervention workflow authorises
    it (a dispatcher closing the work), not the inventory-editing permission."""
    asset = _locked_asset(session, actor, asset_id)
    if asset.status == "decommissioned":
        raise ValidationFailed(msg("%(reference)s is decommissioned: the intervention cannot change it.",
                                   reference=asset.reference))
    before = _state(asset)
    core, attributes = _split_and_validate(session, asset.asset_type, dict(properties), partial=True, asset=asset)
    for name, value in core.items():
        setattr(asset, name, value)
    if attributes:
        asset.attributes = {**asset.attributes, **attributes}
    asset.updated_at = func.now()
    session.flush()
    _record(session, asset, actor, change, _diff(before, _state(asset)), reason, intervention_id=intervention_id)
    return asset


def _collecting(errors: dict[str, Msg], check, *args, **kwargs):
    """Run a check, adding its field errors to ``errors`` so that all are reported at once."""
    try:
        return check(*args, **kwargs)
    except ValidationFailed as error:
        errors.update(error.field_errors or {"": error.message})
        return None


def _require_editor(actor: User) -> None:
    if not actor.can(Permission.EDIT_INVENTORY):
        raise PermissionDenied(msg("Your role does not allow editing the inventory."))


def _require_commune_in_scope(actor: User, commune_id: int) -> None:
    scope = actor.commune_ids
    if scope is not None and commune_id not in scope:
        raise PermissionDenied(msg("This place is outside the communes you may edit."),
                               {"geometry": msg("This place is outside the communes you may edit.")})


def _locked_asset(session: Session, actor: User, asset_id: int) -> Asset:
    asset = session.scalar(select(Asset).where(Asset.id == asset_id).with_for_update(of=Asset))
    scope = actor.commune_ids
    if asset is None or (scope is not None and asset.commune_id not in scope):
        raise NotFound(msg("No asset %(id)s.", id=asset_id))
    return asset


def _check_version(asset: Asset, expected_version: int | None, geom, properties) -> None:
    if expected_version is not None and expected_version != asset.version:
        from app.inventory.queries import feature_of

        raise Conflict(
            msg("Someone else changed this asset (version %(current)s, you edited version %(yours)s). Nothing was saved.",
                current=asset.version, yours=expected_version),
            current=feature_of(asset),
            submitted={"version": expected_version, "properties": properties or {},
                       "geometry_changed": geom is not None},
        )


def _split_and_validate(session: Session, asset_type: AssetType, properties: dict, *, partial: bool,
                        asset: Asset | None) -> tuple[dict, dict]:
    for name in DERIVED_FIELDS:
        properties.pop(name, None)
    core = {name: properties.pop(name) for name in CORE_FIELDS if name in properties}
    errors: dict[str, Msg] = {}
    core = validate_core(session, asset_type, core, asset, errors)
    attributes, attribute_errors = validate_attributes(asset_type.attribute_schema, properties, partial=partial)
    errors.update(attribute_errors)
    if errors:
        raise ValidationFailed(msg("Some fields are not valid."), errors)
    return core, attributes


def validate_core(session: Session | None, asset_type: AssetType, core: dict, asset: Asset | None,
                  errors: dict[str, Msg]) -> dict:
    """Coerce the core fields in ``core``, adding the wrong ones to ``errors``
    (``session`` is only needed to check a ``parent_id``)."""
    if "status" in core and core["status"] not in ASSET_STATUSES:
        errors["status"] = msg("Unknown status %(value)s.", value=str(core["status"]))
    if core.get("condition") is not None:
        if isinstance(core["condition"], bool) or str(core["condition"]) not in {"1", "2", "3", "4", "5"}:
            errors["condition"] = msg("The condition is a grade from 1 to 5.")
        else:
            core["condition"] = int(core["condition"])
    if core.get("installed_on"):
        try:
            core["installed_on"] = date.fromisoformat(str(core["installed_on"]))
        except ValueError:
            errors["installed_on"] = msg("Expected a date (YYYY-MM-DD).")
    for name in ("manufacturer", "model", "external_ref"):
        if core.get(name) is not None and not isinstance(core[name], str):
            errors[name] = msg("Expected text.")
    if isinstance(core.get("external_ref"), str) and len(core["external_ref"]) > 80:
        errors["external_ref"] = msg("At most %(count)s characters.", count=80)
    if core.get("parent_id") is not None:
        _validate_parent(session, asset_type, core["parent_id"], asset, errors)
    return core


def _validate_parent(session: Session, asset_type: AssetType, parent_id: object, asset: Asset | None,
                     errors: dict[str, Msg]) -> None:
    parent = session.get(Asset, parent_id) if isinstance(parent_id, int) and not isinstance(parent_id, bool) else None
    if parent is None:
        errors["parent_id"] = msg("No asset %(id)s to hang this one under.", id=str(parent_id))
    elif parent.asset_type.code not in asset_type.parent_type_codes:
        errors["parent_id"] = msg("A %(child)s cannot hang under a %(parent)s.", child=asset_type.code, parent=parent.asset_type.code)
    elif asset is not None and _is_ancestor_or_self(session, asset.id, parent):
        errors["parent_id"] = msg("An asset cannot hang under itself or one of its children.")


def _is_ancestor_or_self(session: Session, asset_id: int, candidate: Asset) -> bool:
    node: Asset | None = candidate
    for _ in range(50):  # hierarchies are shallow; the bound guards against a corrupt loop
        if node is None:
            return False
        if node.id == asset_id:
            return True
        node = session.get(Asset, node.parent_id) if node.parent_id else None
    return True


def _state(asset: Asset) -> dict:
    state = {name: getattr(asset, name) for name in CORE_FIELDS}
    state["installed_on"] = state["installed_on"].isoformat() if state["installed_on"] else None
    state["geometry"] = to_shape(asset.geom).wkt if not isinstance(asset.geom, str) else asset.geom
    state["commune_id"] = asset.commune_id
    state.update({f"attributes.{k}": v for k, v in (asset.attributes or {}).items()})
    return state


def _diff(before: dict, after: dict) -> dict:
    return {k: [before.get(k), after.get(k)] for k in sorted(set(before) | set(after)) if before.get(k) != after.get(k)}


def _change_kind(changes: dict) -> str:
    if "status" in changes:
        return "decommissioned" if changes["status"][1] == "decommissioned" else "status_changed"
    return "moved" if "geometry" in changes else "updated"


def _record(session: Session, asset: Asset, actor: User | None, change: str, changes: dict,
            reason: str | None, recorded_at: datetime | None = None, intervention_id: int | None = None,
            import_id: int | None = None) -> AssetHistory:
    entry = AssetHistory(asset_id=asset.id, actor_id=actor.id if actor else None, change=change,
                         intervention_id=intervention_id, import_id=import_id,
                         changes=changes, reason=(reason or "").strip() or None,
                         **{name: getattr(asset, name) for name in ASSET_STATE_COLUMNS})
    if recorded_at is not None:
        entry.recorded_at = recorded_at
    session.add(entry)
    session.flush()
    return entry
