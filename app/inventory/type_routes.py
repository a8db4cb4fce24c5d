"""Administrators' pages for asset types: the list, the creation and the edit form."""
from __future__ import annotations

from typing import Callable

from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user

from app.auth.access import require_permission
from app.auth.roles import Permission
from app.errors import ValidationFailed
from app.inventory import type_services
from app.inventory.models import AssetType
from app.inventory.type_forms import AssetTypeForm, draft_from, edit_type_form, new_type_form, show_errors
from app.inventory.type_services import TypeDraft
from app.web import current_language, db_session, translate

blueprint = Blueprint("asset_types", __name__, template_folder="templates")


@blueprint.get("/admin/asset-types")
@require_permission(Permission.MANAGE_ASSET_TYPES)
def list_types():
    """Every asset type with its number of fields and of assets."""
    language = current_language()
    rows = sorted(type_services.list_types_with_counts(db_session()),
                  key=lambda row: type_services.label_sort_key(row.asset_type.label(language)))
    return render_template("inventory/types/list.html", rows=rows, language=language)


@blueprint.route("/admin/asset-types/new", methods=["GET", "POST"])
@require_permission(Permission.MANAGE_ASSET_TYPES)
def new_type():
    """Create an asset type."""
    db = db_session()
    form = new_type_form(type_services.all_types(db), current_language())
    return _save_or_show(form, None, lambda draft: type_services.create_asset_type(db, current_user, draft))


@blueprint.route("/admin/asset-types/<code>", methods=["GET", "POST"])
@require_permission(Permission.MANAGE_ASSET_TYPES)
def edit_type(code: str):
    """Edit the asset type ``code`` (its code stays)."""
    db = db_session()
    asset_type = type_services.get_type(db, code)
    others = [t for t in type_services.all_types(db) if t.code != code]
    form = edit_type_form(asset_type, others, current_language())
    return _save_or_show(form, asset_type,
                         lambda draft: type_services.update_asset_type(db, current_user, code, draft))


def _save_or_show(form: AssetTypeForm, asset_type: AssetType | None, save: Callable[[TypeDraft], AssetType]):
    """On a valid POST save in one commit and go back to the list; else show the form."""
    db = db_session()
    if not form.validate_on_submit():
        return _page(form, asset_type, status=422 if form.is_submitted() else 200)
    draft, rows = draft_from(form)
    try:
        save(draft)
    except ValidationFailed as error:
        db.rollback()
        return _page(form, asset_type, status=422, summary=translate(error.message),
                     other_errors=show_errors(form, error, rows))
    db.commit()
    return redirect(url_for("asset_types.list_types"))


def _page(form: AssetTypeForm, asset_type: AssetType | None, status: int, summary: str | None = None,
          other_errors: list[str] | None = None) -> tuple[str, int]:
    """The type's form page (creation when ``asset_type`` is None) with ``status``."""
    has_assets = asset_type is not None and type_services.type_has_assets(db_session(), asset_type)
    html = render_template("inventory/types/edit.html", form=form, asset_type=asset_type,
                           has_assets=has_assets, summary=summary, other_errors=other_errors or [],
                           language=current_language())
    return html, status
