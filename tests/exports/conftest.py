"""Export test helpers: download a file through the app and read it back with pyogrio."""
from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

# Daix: a commune no other test puts assets in, so a commune filter selects only ours.
DAIX = (4.9578, 47.3631)
DAIX_INSEE = "21223"


def local_today() -> str:
    """Today in the territory (export file names are dated in Europe/Paris)."""
    return datetime.now(ZoneInfo("Europe/Paris")).date().isoformat()


@pytest.fixture()
def download(client, tmp_path):
    """GET ``url`` (must answer 200 with an attachment); the file saved under its own name."""

    def get(url: str) -> Path:
        response = client.get(url)
        assert response.status_code == 200, response.get_data(as_text=True)[:500]
        disposition = response.headers["Content-Disposition"]
        assert disposition.startswith("attachment")
        name = re.search(r'filename="?([^";]+)"?', disposition).group(1)
        path = tmp_path / name
        path.write_bytes(response.get_data())
        return path

    return get
