"""Read one OGC API - Features collection with QGIS itself and print what QGIS saw, as JSON.

Run by tests/ogc/test_qgis.py with the system Python (Debian's python3-qgis, QGIS 3.22),
not the project's virtualenv: ``/usr/bin/python3 qgis_reader.py URL COLLECTION LOGIN TOKEN
PAGE_SIZE [MINX MINY MAXX MAXY]``. QGIS runs headless (offscreen Qt) with a throw-away
profile and authentication database. It authenticates as a QGIS user would: a "Basic"
authentication configuration holding the login and the API token as its password.
"""
from __future__ import annotations

import json
import os
import sys
import tempfile


def main() -> None:
    url, collection, login, token, page_size = sys.argv[1:6]
    bbox = [float(value) for value in sys.argv[6:10]]
    profile = tempfile.mkdtemp(prefix="vigie-qgis-")
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    os.environ["QGIS_AUTH_DB_DIR_PATH"] = profile

    from qgis.core import (QgsApplication, QgsAuthMethodConfig, QgsFeatureRequest, QgsRectangle,
                           QgsVectorLayer)

    app = QgsApplication([], False, profile)
    app.setPrefixPath("/usr", True)
    app.initQgis()
    auth = QgsApplication.authManager()
    auth.setMasterPassword("vigie-test-master-password", True)
    config = QgsAuthMethodConfig("Basic")
    config.setName("Vigie")
    config.setConfig("username", login)
    config.setConfig("password", token)
    stored = auth.storeAuthenticationConfig(config)
    if isinstance(stored, tuple):  # newer bindings return (ok, config)
        stored, config = stored
    assert stored, "QGIS did not store the authentication configuration"

    uri = (f"url='{url}' typename='{collection}' authcfg='{config.id()}' "
           f"pagingEnabled='true' pageSize='{page_size}'")
    layer = QgsVectorLayer(uri, collection, "OAPIF")
    result: dict = {"valid": layer.isValid()}  # (QgsError.summary() crashes QGIS 3.22's bindings)
    if layer.isValid():
        request = QgsFeatureRequest()
        if bbox:
            request.setFilterRect(QgsRectangle(*bbox))
        features = []
        for feature in layer.getFeatures(request):
            point = feature.geometry().asPoint()
            attributes = {name: _plain(feature[name]) for name in feature.fields().names()}
            features.append({"attributes": attributes, "x": point.x(), "y": point.y()})
        result.update(crs=layer.crs().authid(), geometry_type=layer.wkbType(),
                      fields={f.name(): f.typeName() for f in layer.fields()}, features=features)
    print(json.dumps(result), flush=True)
    os._exit(0)  # QGIS 3.22's teardown (exitQgis or the interpreter's) crashes headless


def _plain(value):
    """A QVariant-ish attribute as JSON (NULL as None, dates as ISO text)."""
    if value is None or (hasattr(value, "isNull") and value.isNull()):
        return None
    if hasattr(value, "toString") and not isinstance(value, str):
        return value.toString("yyyy-MM-dd") if hasattr(value, "day") else value.toString()
    return value


if __name__ == "__main__":
    main()
