"""Imports every domain's models so that Base.metadata knows all tables (Alembic)."""
from app.auth.models import LoginSession, User, user_communes  # noqa: F401
from app.inventory.models import Asset, AssetHistory, AssetType  # noqa: F401
from app.territory.models import Commune, TerritoryOutline  # noqa: F401
from app.tiles.models import AssetGridCell, TileCacheState, TileVersion  # noqa: F401
from app.interventions.models import (  # noqa: F401
    Intervention, InterventionAttachment, InterventionEvent, MaintenancePlan, ReferenceCounter, ServiceRequest,
    SlaRule, TaskTemplate, Team,
)
from app.imports.models import Import, ImportMapping, ImportRow  # noqa: F401
from app.dispatch.models import CrewLastPosition, CrewPosition  # noqa: F401
from app.dispatch.routing_models import CrewDayPlan, RoadNetworkBuild, RoadNetworkEdge, RoadNetworkVertex  # noqa: F401,E501
from app.field.models import FieldAction, RequestPhoto  # noqa: F401
from app.reports.models import (  # noqa: F401
    AssetOutage, CommuneAssetCount, CoverageCell, CoverageDirtyCell, CoverageSnapshot,
)
