"""Import fixtures: a Montpellier commune (the real open-data files lie there), uploads
through the services, and a helper that runs the steps the worker would run."""
from __future__ import annotations

import io
from pathlib import Path

import pytest
from sqlalchemy import text

DATA = Path(__file__).parent / "data"
# A box around Montpellier (WGS84), added to the territory for the real-data tests only.
MONTPELLIER_BOX = (3.78, 43.55, 3.96, 43.67)


@pytest.fixture()
def montpellier(db, settings):
    """Montpellier (34172) as one more commune of the territory, inside the test's transaction."""
    x0, y0, x1, y1 = MONTPELLIER_BOX
    params = {"srid": settings.storage_srid, "x0": x0, "y0": y0, "x1": x1, "y1": y1}
    box = "ST_Transform(ST_MakeEnvelope(:x0, :y0, :x1, :y1, 4326), :srid)"
    db.execute(text(f"INSERT INTO communes (insee, name, geom) VALUES ('34172', 'Montpellier', ST_Multi({box}))"), params)
    db.execute(text(f"UPDATE territory_outline SET geom = ST_Multi(ST_Union(geom, {box}))"), params)
    return db.execute(text("SELECT id FROM communes WHERE insee = '34172'")).scalar_one()


@pytest.fixture()
def import_dir(tmp_path) -> Path:
    return tmp_path / "imports"


@pytest.fixture()
def upload(db, settings, import_dir, editor):
    """upload("name.zip", bytes_or_path, actor=...) → the Import, described."""
    from app.imports import services

    def send(filename: str, content: bytes | Path, actor=None, max_bytes: int = 50 * 1024**2):
        data = content.read_bytes() if isinstance(content, Path) else content
        return services.receive_upload(db, actor or editor, filename, io.BytesIO(data), import_dir, max_bytes)

    return send


@pytest.fixture()
def run_step(db, settings):
    """run_step(imp, "validate"|"commit"|"undo"): the job's work, in the test's transaction."""
    from app.imports import services

    steps = {"validate": services.run_validation, "commit": services.run_commit, "undo": services.run_undo}

    def run(imp, step: str):
        steps[step](db, imp.id, settings.storage_srid, lambda done, total: None)
        db.flush()
        db.refresh(imp)
        return imp

    return run


@pytest.fixture()
def configure(db, editor):
    """configure(imp, {form}) with the mapping step's form fields."""
    from app.imports import services

    def submit(imp, form: dict, actor=None):
        return services.configure(db, actor or editor, imp.id, {k: str(v) for k, v in form.items()})

    return submit
