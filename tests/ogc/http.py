"""Small readers of OGC API answers shared by the HTTP tests."""
from __future__ import annotations


def get_json(client, url: str, status: int = 200) -> dict:
    """GET ``url`` expecting ``status``; the JSON body."""
    response = client.get(url)
    assert response.status_code == status, response.text
    return response.json


def feature_ids(collection: dict) -> list[int]:
    """The ids of a FeatureCollection's features, in order."""
    return [feature["id"] for feature in collection["features"]]
