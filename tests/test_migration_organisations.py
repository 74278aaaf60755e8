"""Migration 0014 on real data: partner names become organisations, nothing is lost.

Runs on SQLite, and on PostgreSQL under `make test-postgres` (every app gets its own database).
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from flask_migrate import upgrade

from catalogue.extensions import db

NOW = datetime(2026, 11, 1, 9, 30, tzinfo=UTC).replace(tzinfo=None)
PARTNERS = {  # example slug → (name, kind, role) in order
    "potager": [("Mairie de Saint-Étienne", "collectivite", "Prête le terrain."),
                ("Emmaüs", "association", "Forme les bénévoles.")],
    "recyclerie": [("mairie de saint etienne", "collectivite", ""),
                   ("Emmaüs", "entreprise", "Achète les meubles réparés."),
                   ("Fondation du Crédit Mutuel", "fondation", "Finance les outils.")],
    "cantine": [("Mairie de Saint-Étienne", "collectivite", "Sert les repas."),
                ("  Emmaüs ", "association", "")],
}


def example_row(slug: str, state: str) -> dict:
    return {
        "slug": slug, "title": f"Exemple {slug}", "summary": "Résumé.", "description": "Texte.",
        "results": "Bilan.", "lessons": "Leçons.", "resources": "", "transferability": "",
        "objectives": ["equilibrer"], "scale": "local", "regions": ["84"],
        "departements": ["42"], "locality": "Saint-Étienne", "themes": [], "odd": [],
        "status": "en-cours", "website": "", "contact": "", "contact_public": False,
        "submitter_name": "", "submitter_email": "", "submitter_organisation": "",
        "state": state, "created_at": NOW, "updated_at": NOW, "version": 1, "language": "fr",
        "accepts_messages": False,
    }


def test_partners_become_organisations_without_losing_a_role_or_an_example(make_app):
    app = make_app(migrate=False)
    directory = app.extensions["migrate"].directory
    with app.app_context():
        upgrade(directory=directory, revision="0013")
        tables = sa.MetaData()
        example = sa.Table("example", tables, autoload_with=db.engine)
        partner = sa.Table("partner", tables, autoload_with=db.engine)
        with db.engine.begin() as connection:
            for slug, state in (("potager", "published"), ("recyclerie", "pending"),
                                ("cantine", "archived")):
                [example_id] = connection.execute(
                    example.insert().values(example_row(slug, state)).returning(example.c.id)
                ).one()
                connection.execute(partner.insert(), [
                    {"example_id": example_id, "position": i, "name": name, "kind": kind,
                     "role": role}
                    for i, (name, kind, role) in enumerate(PARTNERS[slug])
                ])
        before = sorted(db.session.execute(sa.text(
            "SELECT p.id, e.slug, p.position, p.name, p.kind, p.role, e.state "
            "FROM partner p JOIN example e ON e.id = p.example_id")).all())
        db.session.remove()

        upgrade(directory=directory)

        after = db.session.execute(sa.text(
            "SELECT p.id, e.slug, p.position, p.name, p.kind, p.role, e.state, o.slug, o.name, "
            "o.kind FROM partner p JOIN example e ON e.id = p.example_id "
            "LEFT JOIN organisation o ON o.id = p.organisation_id ORDER BY p.id")).all()
        organisations = db.session.execute(sa.text(
            "SELECT slug, name, key, kind FROM organisation ORDER BY slug")).all()
        examples = db.session.scalar(sa.text("SELECT count(*) FROM example"))

    assert examples == 3
    assert sorted(tuple(row[:7]) for row in after) == [tuple(row) for row in before]
    assert len(after) == 7
    # One organisation per normalised name and kind, named by its most frequent spelling.
    assert [tuple(row) for row in organisations] == [
        ("emmaus", "Emmaüs", "emmaus", "association"),
        ("emmaus-2", "Emmaüs", "emmaus", "entreprise"),
        ("fondation-du-credit-mutuel", "Fondation du Crédit Mutuel", "fondation du credit mutuel",
         "fondation"),
        ("mairie-de-saint-etienne", "Mairie de Saint-Étienne", "mairie de saint etienne",
         "collectivite"),
    ]
    links = {(row[1], row[3]): row[7] for row in after}
    assert links == {
        ("potager", "Mairie de Saint-Étienne"): "mairie-de-saint-etienne",
        ("potager", "Emmaüs"): "emmaus",
        ("recyclerie", "mairie de saint etienne"): "mairie-de-saint-etienne",
        ("recyclerie", "Emmaüs"): "emmaus-2",
        ("recyclerie", "Fondation du Crédit Mutuel"): "fondation-du-credit-mutuel",
        ("cantine", "Mairie de Saint-Étienne"): "mairie-de-saint-etienne",
        ("cantine", "  Emmaüs "): "emmaus",
    }
    # Each partner's organisation has the partner's kind.
    assert all(row[4] == row[9] for row in after)
