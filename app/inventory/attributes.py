"""Validation of an asset's typed attributes against its type's schema."""
from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from app.i18n import Msg, msg


def validate_attributes(schema: list[dict], values: dict, *, partial: bool = False) -> tuple[dict, dict[str, Msg]]:
    """Return (clean values, errors by field). ``partial``: only the given fields are checked."""
    fields = {spec["name"]: spec for spec in schema}
    clean: dict = {}
    errors: dict[str, Msg] = {}
    for name in values:
        if name not in fields:
            errors[name] = msg("Unknown attribute for this asset type.")
    for name, spec in fields.items():
        if name not in values:
            if spec.get("required") and not partial:
                errors[name] = msg("This field is required.")
            continue
        value = values[name]
        if value is None or value == "":
            if spec.get("required"):
                errors[name] = msg("This field is required.")
            else:
                clean[name] = None
            continue
        try:
            clean[name] = _coerce(spec, value)
        except ValueError as error:
            errors[name] = error.args[0]
    return clean, errors


def _coerce(spec: dict, value: object) -> object:
    kind = spec["kind"]
    if kind == "text":
        if not isinstance(value, str):
            raise ValueError(msg("Expected text."))
        return value.strip()
    if kind == "integer":
        if isinstance(value, bool) or not (isinstance(value, int) or (isinstance(value, str) and value.strip().lstrip("-").isdigit())):
            raise ValueError(msg("Expected a whole number."))
        return int(value)
    if kind == "decimal":
        return _decimal(value)
    if kind == "boolean":
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.lower() in ("true", "false", "1", "0", "on", "off"):
            return value.lower() in ("true", "1", "on")
        raise ValueError(msg("Expected yes or no."))
    if kind == "date":
        try:
            return date.fromisoformat(str(value)).isoformat()
        except ValueError:
            raise ValueError(msg("Expected a date (YYYY-MM-DD).")) from None
    if kind == "enum":
        allowed = [choice["value"] for choice in spec.get("choices", [])]
        if value not in allowed:
            raise ValueError(msg("Unknown value %(value)s; expected one of: %(allowed)s.", value=str(value), allowed=", ".join(allowed)))
        return value
    raise ValueError(msg("Unsupported attribute kind %(kind)s.", kind=kind))


def _decimal(value: object) -> float:
    if isinstance(value, bool):
        raise ValueError(msg("Expected a number."))
    try:
        number = Decimal(str(value).replace(",", ".")) if isinstance(value, str) else Decimal(str(value))
    except InvalidOperation:
        raise ValueError(msg("Expected a number.")) from None
    if not number.is_finite():
        raise ValueError(msg("Expected a number."))
    return float(number)
