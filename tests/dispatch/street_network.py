"""The real Montpellier street network (tests/imports/data/filaire-voies.zip, 8,011
segments) brought in through the importer's services, as an asset manager would, then
built into the routable network. Used by a module-scoped fixture: once per module,
inside a transaction rolled back at the end."""
from __future__ import annotations

import io
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.orm import Session

STREETS_ZIP = Path(__file__).parent.parent / "imports" / "data" / "filaire-voies.zip"
MONTPELLIER_BOX = (3.78, 43.55, 3.96, 43.67)  # WGS84, added to the territory
# The file's SENS_CIRCU values: one way in the digitised direction, or not.
ONE_WAY = {"SENS UNIQUE": "true", "DOUBLE SENS": "false", "INTERDIT": "false", "FICTIF": "false"}
OWNERSHIP = {"Publique": "public", "Privée": "private", "Publique départementale": "public",
             "Publique communautaire": "public", "Non renseigné": "public", "Domaine Privé Ville": "public",
             "Mixte": "public"}


def load_montpellier_streets(session: Session, storage_srid: int, import_dir: Path) -> int:
    """Add Montpellier to the territory, import the street network as road segments and
    build the routable network; returns how many segments were imported."""
    from app.auth.services import create_user
    from app.dispatch.network import build_road_network
    from app.imports import services

    x0, y0, x1, y1 = MONTPELLIER_BOX
    box = "ST_Transform(ST_MakeEnvelope(:x0, :y0, :x1, :y1, 4326), :srid)"
    params = {"srid": storage_srid, "x0": x0, "y0": y0, "x1": x1, "y1": y1}
    session.execute(text(f"INSERT INTO communes (insee, name, geom) VALUES ('34172', 'Montpellier', ST_Multi({box}))"),
                    params)
    session.execute(text(f"UPDATE territory_outline SET geom = ST_Multi(ST_Union(geom, {box}))"), params)
    editor = create_user(session, "streets-importer", "correct-horse-battery", "asset_manager")
    imp = services.receive_upload(session, editor, "filaire-voies.zip", io.BytesIO(STREETS_ZIP.read_bytes()),
                                  import_dir, 50 * 1024**2)
    form = {"crs": "file", "asset_type": "road_segment", "map.external_ref": "IDARC", "map.attributes.name": "LIB_OFF",
            "map.attributes.one_way": "SENS_CIRCU", "map.attributes.ownership": "DOMANIALIT"}
    for target, pairs in (("attributes.one_way", ONE_WAY), ("attributes.ownership", OWNERSHIP)):
        for n, (source, value) in enumerate(pairs.items()):
            form[f"values.{target}.{n}.from"], form[f"values.{target}.{n}.to"] = source, value
    services.configure(session, editor, imp.id, form)
    services.run_validation(session, imp.id, storage_srid, lambda done, total: None)
    session.flush()
    session.refresh(imp)
    assert imp.counts["error"] == 0, imp.counts
    imp.status = "committing"
    session.flush()
    services.run_commit(session, imp.id, storage_srid, lambda done, total: None)
    session.flush()
    build_road_network(session)
    return imp.counts["create"]
