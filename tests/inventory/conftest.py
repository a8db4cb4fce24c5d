"""Registry test helpers live in tests/conftest.py (shared with tiles and OGC tests)."""
from tests.conftest import DIJON_CENTRE, TALANT, storage_point  # noqa: F401
