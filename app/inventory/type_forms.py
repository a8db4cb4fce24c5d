"""The asset-type form (Flask-WTF: CSRF included) and its mapping to and from the service.

Every rule lives in ``type_services``; the form only carries the input (no WTForms
validators), and puts the service's field errors back at their fields.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (BooleanField, Field, FieldList, Form, FormField, SelectChoice, SelectField, SelectMultipleField,
                     StringField)

from app.errors import ValidationFailed
from app.inventory.models import AssetType
from app.inventory.type_services import COLOUR, TypeDraft, choices_from_text, choices_to_text, label_sort_key
from app.web import translate

EMPTY_ROWS = 3  # blank attribute rows offered for new fields (no JavaScript)

GEOMETRY_KIND_CHOICES = [SelectChoice("point", _l("Point")), SelectChoice("line", _l("Line")),
                         SelectChoice("polygon", _l("Polygon"))]
SYMBOL_CHOICES = [SelectChoice(value, label) for value, label in (
    ("circle", _l("Circle")), ("square", _l("Square")), ("triangle", _l("Triangle")),
    ("diamond", _l("Diamond")), ("star", _l("Star")), ("cross", _l("Cross")),
    ("camera", _l("Camera")), ("line", _l("Line")), ("polygon", _l("Polygon")),
)]
ATTRIBUTE_KIND_CHOICES = [SelectChoice(value, label) for value, label in (
    ("text", _l("Text")), ("integer", _l("Whole number")), ("decimal", _l("Decimal number")),
    ("enum", _l("List of choices")), ("date", _l("Date")), ("boolean", _l("Yes / no")),
)]
ROW_KEYS = ("name", "label_fr", "label_en", "unit", "choices")  # a row with all of them blank is ignored


class AttributeRowForm(Form):
    """One field of the type's attribute schema."""

    name = StringField(_l("Name"))
    label_fr = StringField(_l("Label (French)"))
    label_en = StringField(_l("Label (English)"))
    kind = SelectField(_l("Kind"), choices=ATTRIBUTE_KIND_CHOICES, default="text", validate_choice=False)
    unit = StringField(_l("Unit"))
    required = BooleanField(_l("Required"))
    choices = StringField(_l("Choices"))
    remove = BooleanField(_l("Remove"))

    COLUMNS = ("name", "label_fr", "label_en", "kind", "unit", "required", "choices", "remove")

    def wrong_fields(self) -> list[Field]:
        """The row's fields that carry an error, in column order."""
        return [self[key] for key in self.COLUMNS if self[key].errors]


class AssetTypeForm(FlaskForm):
    """Create or edit an asset type."""

    code = StringField(_l("Code"))
    label_fr = StringField(_l("Label (French)"))
    label_en = StringField(_l("Label (English)"))
    geometry_kind = SelectField(_l("Geometry"), choices=GEOMETRY_KIND_CHOICES, validate_choice=False)
    reference_prefix = StringField(_l("Reference prefix"))
    symbol = SelectField(_l("Symbol"), choices=SYMBOL_CHOICES, validate_choice=False)
    colour = StringField(_l("Colour"), default="#1f78b4")
    parent_type_codes = SelectMultipleField(_l("Parent types"), validate_choice=False)
    attributes = FieldList(FormField(AttributeRowForm), min_entries=0)

    def colour_input_type(self) -> str:
        """A colour picker, unless the submitted value is not a colour (kept visible as text)."""
        return "color" if COLOUR.match((self.colour.data or "").strip().lower()) else "text"


def new_type_form(parent_options: list[AssetType], language: str) -> AssetTypeForm:
    """An empty form (or the submitted one), with the empty rows offered on first display."""
    form = AssetTypeForm()
    _offer_parents(form, parent_options, language)
    if not form.is_submitted():
        _add_empty_rows(form)
    return form


def edit_type_form(asset_type: AssetType, parent_options: list[AssetType], language: str) -> AssetTypeForm:
    """The form filled from ``asset_type`` on first display, else the submitted one."""
    form = AssetTypeForm()
    _offer_parents(form, parent_options, language)
    if not form.is_submitted():
        form.process(data=_data_of(asset_type))
        _add_empty_rows(form)
    return form


def _data_of(asset_type: AssetType) -> dict:
    """The form data of a stored type (choices in their text notation)."""
    attributes = [
        {**{key: spec.get(key) or "" for key in ("name", "label_fr", "label_en", "kind", "unit")},
         "required": bool(spec.get("required")), "choices": choices_to_text(spec.get("choices", []))}
        for spec in asset_type.attribute_schema
    ]
    return {"code": asset_type.code, "label_fr": asset_type.label_fr, "label_en": asset_type.label_en,
            "geometry_kind": asset_type.geometry_kind, "reference_prefix": asset_type.reference_prefix,
            "symbol": asset_type.symbol, "colour": asset_type.colour,
            "parent_type_codes": list(asset_type.parent_type_codes), "attributes": attributes}


def _offer_parents(form: AssetTypeForm, parent_options: list[AssetType], language: str) -> None:
    """The parent multi-select lists the other types by label."""
    options = sorted(parent_options, key=lambda t: label_sort_key(t.label(language)))
    form.parent_type_codes.choices = [SelectChoice(t.code, f"{t.label(language)} ({t.code})") for t in options]


def _add_empty_rows(form: AssetTypeForm) -> None:
    """Blank rows where new fields can be typed."""
    for _ in range(EMPTY_ROWS):
        form.attributes.append_entry()


def draft_from(form: AssetTypeForm) -> tuple[TypeDraft, list[int]]:
    """The submitted type, and for each attribute given to the service its row in the form."""
    specs, rows = [], []
    for row, entry in enumerate(form.attributes.entries):
        data = entry.form
        if data.remove.data or all(not (data[key].data or "").strip() for key in ROW_KEYS):
            continue
        specs.append({"name": data.name.data, "label_fr": data.label_fr.data, "label_en": data.label_en.data,
                      "kind": data.kind.data, "unit": data.unit.data, "required": data.required.data,
                      "choices": choices_from_text(data.choices.data)})
        rows.append(row)
    draft = TypeDraft(code=form.code.data or "", label_fr=form.label_fr.data or "", label_en=form.label_en.data or "",
                      geometry_kind=form.geometry_kind.data or "", reference_prefix=form.reference_prefix.data or "",
                      symbol=form.symbol.data or "", colour=form.colour.data or "",
                      parent_type_codes=list(form.parent_type_codes.data or []), attributes=specs)
    return draft, rows


def show_errors(form: AssetTypeForm, error: ValidationFailed, rows: list[int]) -> list[str]:
    """Put each field error at its field; return those that belong to no field."""
    unplaced = []
    for key, message in error.field_errors.items():
        target = _field_for(form, key, rows)
        if target is None:
            unplaced.append(translate(message))
        else:
            target.errors = [*target.errors, translate(message)]
    return unplaced


def _field_for(form: AssetTypeForm, key: str, rows: list[int]) -> Field | None:
    """The form field a service error key names, if any."""
    parts = key.split(".")
    if len(parts) == 3 and parts[0] == "attributes" and parts[1].isdigit() and int(parts[1]) < len(rows):
        row_form = form.attributes.entries[rows[int(parts[1])]].form
        return row_form._fields.get(parts[2])
    if len(parts) == 1 and key in form._fields and key != "attributes":
        return form._fields[key]
    return None
