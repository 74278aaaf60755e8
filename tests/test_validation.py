"""The record rules answer with structured issues: the field, then the French message."""

from __future__ import annotations

from catalogue.validation import Issue, clean_record


def issues(record: dict) -> dict[str | None, str]:
    return {issue.field: str(issue) for issue in clean_record(record)[1]}


def test_each_issue_names_its_field_and_reads_as_before(record):
    found = issues(record(title="", scale="galactique", start_year="1900", extra=1, partners=[
        {"name": "", "kind": "association", "role": ""},
        {"name": "Mairie", "kind": "martien", "role": "x" * 301},
    ], regions=["11"], departements=["29"]))
    assert found == {
        None: "champ inconnu « extra »",
        "title": "titre : obligatoire",
        "scale": "échelle : obligatoire, parmi local, departemental, regional, national, international",
        "start_year": "année de lancement : un nombre entier est attendu",
        "partners.1.name": "partenaire 1 : nom obligatoire",
        "partners.2.kind": "partenaire 2 : type inconnu « martien »",
        "partners.2.role": "partenaire 2 : rôle de 301 caractères, 300 au plus",
        "departements": "départements hors des régions choisies : 29 (Finistère)",
    }


def test_a_partner_issue_says_which_partner_and_which_key():
    assert Issue("partners.3.kind", "type inconnu").partner == (3, "kind")
    assert Issue("partners.2", "un objet est attendu").partner == (2, "")
    assert Issue("partners", "entre 2 et 12").partner is None
    assert str(Issue(None, "un objet JSON est attendu")) == "un objet JSON est attendu"


def test_a_valid_record_has_no_issue(record):
    data, problems = clean_record(record())
    assert problems == [] and data["title"] == record()["title"]
