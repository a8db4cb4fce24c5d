"""Roles and what each may do. One table, read by routes and services alike."""
from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    ADMIN = "admin"
    ASSET_MANAGER = "asset_manager"
    DISPATCHER = "dispatcher"
    FIELD_AGENT = "field_agent"
    COUNCILLOR = "councillor"


class Permission(StrEnum):
    VIEW_MAP = "view_map"
    EDIT_INVENTORY = "edit_inventory"
    MANAGE_ASSET_TYPES = "manage_asset_types"
    CREATE_INTERVENTIONS = "create_interventions"
    PLAN_INTERVENTIONS = "plan_interventions"
    DO_FIELD_WORK = "do_field_work"
    VIEW_REPORTS = "view_reports"
    # Exact positions of the assets of sensitive types (AssetType.is_sensitive: CCTV cameras).
    VIEW_SENSITIVE_POSITIONS = "view_sensitive_positions"
    MANAGE_USERS = "manage_users"


ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.ADMIN: frozenset(Permission),
    Role.ASSET_MANAGER: frozenset(
        {Permission.VIEW_MAP, Permission.EDIT_INVENTORY, Permission.CREATE_INTERVENTIONS, Permission.VIEW_REPORTS,
         Permission.VIEW_SENSITIVE_POSITIONS}
    ),
    Role.DISPATCHER: frozenset(
        {Permission.VIEW_MAP, Permission.CREATE_INTERVENTIONS, Permission.PLAN_INTERVENTIONS, Permission.VIEW_REPORTS,
         Permission.VIEW_SENSITIVE_POSITIONS}
    ),
    Role.FIELD_AGENT: frozenset({Permission.VIEW_MAP, Permission.DO_FIELD_WORK, Permission.VIEW_SENSITIVE_POSITIONS}),
    Role.COUNCILLOR: frozenset({Permission.VIEW_MAP, Permission.VIEW_REPORTS}),
}


def role_allows(role: Role, permission: Permission) -> bool:
    """Whether ``role`` carries ``permission``."""
    return permission in ROLE_PERMISSIONS[role]
