"""/healthz reports the database and the index."""

import os
import shutil


def test_healthy(client, demo):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.get_json()
    assert body["status"] == "ok"
    assert body["database"]["published"] == body["index"]["documents"] == 58
    assert body["index"]["pending"] == 0
    assert body["index"]["schema_version"] >= 1
    assert body["database"]["schema_revision"]
    assert response.headers["Cache-Control"] == "no-store"


def test_index_gone_is_503(client, demo, app):
    shutil.rmtree(app.config["INDEX_DIR"], ignore_errors=True)
    if os.path.islink(app.config["INDEX_DIR"]):
        os.unlink(app.config["INDEX_DIR"])
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["status"] == "degraded"
    assert response.get_json()["index"]["error"]


def test_rate_limits_report_where_they_count(make_app):
    app = make_app(RATELIMIT_ENABLED=True)
    body = app.test_client().get("/healthz").get_json()
    assert body["rate_limits"] == {"storage": "memory", "shared": False, "ok": True,
                                   "enabled": True}
