"""The Dijon Métropole demo: territory and one account per role (idempotent)."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.auth.models import User
from app.auth.services import create_user
from app.interventions.defaults import load_intervention_defaults
from app.interventions.maintenance import load_default_maintenance_plans
from app.inventory.catalogue import load_catalogue
from app.territory.services import CommuneMerger, load_communes

COMMUNES_FILE = Path(__file__).resolve().parent.parent / "territory" / "data" / "dijon-metropole-communes-2018.geojson"

# On 2019-01-01 Crimolois and Neuilly-lès-Dijon became the commune nouvelle
# Neuilly-Crimolois, which kept Neuilly-lès-Dijon's INSEE code.
DIJON_MERGERS = (
    CommuneMerger(merged_insee=("21213", "21452"), new_insee="21452", new_name="Neuilly-Crimolois"),
)

DEMO_PASSWORD = "vigie-demo"


@dataclass(frozen=True)
class DemoAccount:
    login: str
    role: str
    display_name: str


DEMO_ACCOUNTS = (
    DemoAccount("admin", "admin", "Alice Admin"),
    DemoAccount("manager", "asset_manager", "Marc Gestionnaire"),
    DemoAccount("dispatcher", "dispatcher", "Denise Régulatrice"),
    DemoAccount("agent", "field_agent", "Antoine Agent"),
    DemoAccount("councillor", "councillor", "Claire Élue"),
)


def load_dijon_territory(session: Session, storage_srid: int) -> int:
    """Load the 23 communes of Dijon Métropole and its outline."""
    return load_communes(
        session, COMMUNES_FILE, storage_srid, DIJON_MERGERS, outline_name="Dijon Métropole"
    )


def load_demo(session: Session, storage_srid: int) -> list[DemoAccount]:
    """Load the territory, the asset-type catalogue, the default SLA rules, checklists and
    maintenance plans, and the missing demo accounts.

    The demo inventory is not loaded here: it takes seconds and tests want accounts
    fast. ``vigie generate-inventory`` (app.demo.inventory) adds it.
    """
    load_dijon_territory(session, storage_srid)
    load_catalogue(session)
    load_intervention_defaults(session)
    load_default_maintenance_plans(session)
    existing = set(session.scalars(select(User.login)))
    for account in DEMO_ACCOUNTS:
        if account.login not in existing:
            create_user(session, account.login, DEMO_PASSWORD, account.role, account.display_name)
    return list(DEMO_ACCOUNTS)
