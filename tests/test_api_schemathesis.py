"""The API answers as its OpenAPI document says: a bounded schemathesis run inside the suite.

Each operation of the document gets generated valid requests, sent in-process to the WSGI app,
and every response is checked against the document (status, content type, headers, body
schema), plus "no server error" and "valid input is accepted". Invalid input is not generated:
the search is lenient by design (blank values ignored, control characters dropped before the
length check), and test_api.py holds the table of parameters that must get a 400.
"""

from __future__ import annotations

import pytest
import schemathesis
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings

from catalogue.extensions import db
from catalogue.models import Partner
from catalogue.organisations import find_or_create

OPERATIONS = [
    "/api/v1/examples",
    "/api/v1/examples/{id}",
    "/api/v1/taxonomy",
    "/api/v1/organisations/suggestions",
    "/api/v1/organisations",
    "/api/v1/organisations/{slug}",
    "/api/v1/openapi.json",
]
BOUNDS = settings(
    max_examples=40,
    deadline=2000,  # milliseconds per generated request
    database=None,
    derandomize=True,  # the same requests on every run: a failure is reproducible
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture
def api_schema(app, make_example):
    """The app's own OpenAPI document, loaded in-process, over a few examples."""
    make_example(title="Un potager partagé entre une école et une maison de retraite")
    make_example(title="Une cantine solidaire à Toulouse", regions=["76"], departements=["31"],
                 contact="Contact public", contact_public=True)
    make_example(title="Une recyclerie en Gâtine", objectives=["hybrider", "innover"],
                 regions=["75"], departements=["79"], start_year=None)
    make_example(state="pending", title="Exemple en attente")
    with app.app_context():  # partners matched to organisations, as moderation does
        for partner in db.session.scalars(sa.select(Partner).where(Partner.organisation_id.is_(None))):
            partner.organisation = find_or_create(partner.name, partner.kind)
        db.session.commit()
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)


@pytest.mark.parametrize("path", OPERATIONS)
def test_api_matches_its_openapi_document(api_schema, path):
    operation = api_schema[path]["GET"]

    @BOUNDS
    @given(case=operation.as_strategy())
    def check(case):
        case.call_and_validate()

    check()
