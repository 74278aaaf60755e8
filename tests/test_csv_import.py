"""CSV in DESIGN's column format: reading, the `import` command (dry run, duplicates, one
transaction), the downloadable template, and the round trip with the catalogue's export."""

from __future__ import annotations

import csv
import io

import pytest
import sqlalchemy as sa
from helpers import BASE_RECORD
from sqlalchemy import event
from sqlalchemy.orm import Session

from catalogue.csvformat import TEMPLATE_RECORD, cell_text, parse_partner, read_csv, write_csv
from catalogue.extensions import db
from catalogue.importing import validate_all
from catalogue.models import Example
from catalogue.validation import PUBLIC_FIELDS


def count(app) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count(Example.id)))


def csv_text(rows: list[dict], columns=PUBLIC_FIELDS) -> str:
    """Write rows as a spreadsheet would: `;`, lists and partners already as text."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(columns), delimiter=";", lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def row(**overrides) -> dict:
    """Return the conftest record as spreadsheet cells, with cells overridden."""
    data = {name: cell_text(name, BASE_RECORD[name]) for name in PUBLIC_FIELDS}
    data.update(overrides)
    return data


def write(tmp_path, rows, name="exemples.csv", **kwargs) -> str:
    path = tmp_path / name
    path.write_text("\ufeff" + csv_text(rows, **kwargs), encoding="utf-8")
    return str(path)


# --- reading -------------------------------------------------------------------------------


def test_rows_become_import_records():
    [(line, record)] = read_csv(csv_text([row()]))
    assert line == 2
    assert record["objectives"] == ["co-construire"]
    assert record["odd"] == [2, 17]
    assert record["start_year"] == 2019
    assert record["partners"] == [
        {"name": "Les Jardins du Thabor", "kind": "association", "role": ""},
        {"name": "Ville de Rennes", "kind": "collectivite", "role": ""},
    ]
    validate_all([(line, record)])  # a valid record of the import format


@pytest.mark.parametrize("text, expected", [
    ("Ville de Rennes (collectivite)", {"name": "Ville de Rennes", "kind": "collectivite"}),
    ("Fondation X (groupe Y) (fondation)", {"name": "Fondation X (groupe Y)", "kind": "fondation"}),
    ("  Lycée ( enseignement-recherche )  ", {"name": "Lycée", "kind": "enseignement-recherche"}),
    ("Sans type", {"name": "Sans type", "kind": ""}),
])
def test_partners_are_read_as_name_and_kind(text, expected):
    assert parse_partner(text.strip()) == {**expected, "role": ""}


def test_line_numbers_count_multiline_cells_and_skip_blank_rows():
    text = csv_text([row(description="Première ligne\nDeuxième ligne\nTroisième"), row(), row()])
    text += ";;;\r\n\r\n"  # what a spreadsheet leaves below the last row
    lines = [line for line, _ in read_csv(text)]
    assert lines == [2, 5, 6]


def test_invalid_values_are_left_for_validation_with_their_line(tmp_path, runner):
    path = write(tmp_path, [row(), row(start_year="vers 2019", odd="2; dix-sept"),
                            row(partners="Mairie")])
    result = runner.invoke(args=["import", path])
    assert result.exit_code != 0
    assert "ligne 3 : année de lancement : un nombre entier est attendu" in result.output
    assert "ligne 3 : ODD : code(s) inconnu(s) dix-sept" in result.output
    assert "ligne 4 : partenaire 1 : type inconnu «  »" in result.output
    assert "rien n’a été importé" in result.output


def test_comma_separated_files_from_english_spreadsheets_are_read():
    out = io.StringIO()  # commas between cells, semicolons still inside lists
    writer = csv.DictWriter(out, fieldnames=list(PUBLIC_FIELDS), delimiter=",")
    writer.writeheader()
    writer.writerow(row())
    [(_, record)] = read_csv(out.getvalue())
    assert record["odd"] == [2, 17] and len(record["partners"]) == 2


@pytest.mark.parametrize("header, message", [
    ("title;summary;state", "colonne(s) inconnue(s) : « state »"),
    ("title;title", "colonne « title » en double"),
    ("title;summary", "colonne(s) obligatoire(s) absente(s)"),
])
def test_bad_headers_refuse_the_file(header, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        read_csv(header + "\r\n")


def test_private_columns_are_refused(tmp_path, runner):
    columns = (*PUBLIC_FIELDS, "submitter_email")
    path = write(tmp_path, [{**row(), "submitter_email": "x@example.org"}], columns=columns)
    result = runner.invoke(args=["import", path])
    assert result.exit_code != 0 and "submitter_email" in result.output


def test_extra_cells_are_refused_with_their_line():
    text = csv_text([row()]).rstrip("\r\n") + ";en trop\r\n"
    columns = len(PUBLIC_FIELDS)
    with pytest.raises(ValueError, match=f"ligne 2 : {columns + 1} cellules pour {columns} colonnes"):
        read_csv(text)


def test_formula_quotes_written_by_the_export_are_removed():
    [(_, record)] = read_csv(csv_text([row(summary="'=1+1 reste du texte")]))
    assert record["summary"] == "=1+1 reste du texte"


# --- the import command --------------------------------------------------------------------


def test_import_csv(app, runner, tmp_path):
    cantine = row(title="Une cantine solidaire", regions="", departements="31")
    path = write(tmp_path, [row(), cantine])
    result = runner.invoke(args=["import", path])
    assert result.exit_code == 0, result.output
    assert "2 exemple(s) importé(s)." in result.output
    with app.app_context():
        cantine = db.session.scalar(
            sa.select(Example).where(Example.title == "Une cantine solidaire"))
        assert cantine.regions == ["76"] and cantine.state == "published"


def test_dry_run_validates_and_writes_nothing(app, runner, tmp_path):
    path = write(tmp_path, [row(), row(title="Deuxième")])
    result = runner.invoke(args=["import", path, "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "Vérification seule : 2 exemple(s) à importer." in result.output
    assert "Rien n’a été écrit" in result.output
    assert count(app) == 0


def test_dry_run_reports_problems_and_fails(app, runner, tmp_path):
    path = write(tmp_path, [row(scale="planétaire")])
    result = runner.invoke(args=["import", path, "--dry-run"])
    assert result.exit_code != 0
    assert "ligne 2 : échelle" in result.output
    assert count(app) == 0


def test_exact_duplicates_of_existing_examples_are_skipped_and_reported(app, runner, tmp_path,
                                                                        make_example):
    existing = make_example(state="pending")  # the same as row(), partners' roles apart
    changed = row(summary="Un autre résumé.")
    path = write(tmp_path, [row(), changed])
    result = runner.invoke(args=["import", path])
    assert result.exit_code == 0, result.output
    assert (f"ligne 2 : identique à l’exemple existant n° {existing.id} "
            f"« {existing.title} », ignoré.") in result.output
    assert "1 exemple(s) importé(s). 1 doublon(s) ignoré(s)." in result.output
    assert count(app) == 2
    again = runner.invoke(args=["import", path, "--dry-run"])
    assert "0 exemple(s) à importer. 2 doublon(s) ignoré(s)." in again.output


def test_json_import_also_skips_duplicates(runner, tmp_path, record, make_example):
    import json

    make_example()
    path = tmp_path / "exemples.json"
    path.write_text(json.dumps([record(), record(title="Autre")]), encoding="utf-8")
    result = runner.invoke(args=["import", str(path)])
    assert result.exit_code == 0
    assert "enregistrement 1 : identique" in result.output
    assert "1 exemple(s) importé(s). 1 doublon(s) ignoré(s)." in result.output


def test_a_thousand_rows_import_in_one_transaction(app, runner, tmp_path):
    rows = [row(title=f"Alliance numéro {i}") for i in range(1000)]
    path = write(tmp_path, rows)
    commits: list[int] = []
    flushed: list[int] = []

    def on_flush(session, context, instances):
        flushed.append(sum(isinstance(o, Example) for o in session.new))

    def on_commit(session):
        commits.append(sum(flushed))
        flushed.clear()

    event.listen(Session, "before_flush", on_flush)
    event.listen(Session, "after_commit", on_commit)
    try:
        result = runner.invoke(args=["import", path])
    finally:
        event.remove(Session, "before_flush", on_flush)
        event.remove(Session, "after_commit", on_commit)
    assert result.exit_code == 0, result.output
    assert "1000 exemple(s) importé(s)." in result.output
    assert [n for n in commits if n] == [1000]  # every example in a single commit
    assert count(app) == 1000


def test_one_bad_row_among_a_thousand_imports_nothing(app, runner, tmp_path):
    rows = [row(title=f"Alliance numéro {i}") for i in range(1000)]
    rows[998]["objectives"] = "innover; tout"
    result = runner.invoke(args=["import", write(tmp_path, rows)])
    assert result.exit_code != 0
    assert "ligne 1000 : objectifs : code(s) inconnu(s) tout" in result.output
    assert count(app) == 0


# --- template and round trip ---------------------------------------------------------------


def test_the_template_downloads_with_one_filled_example(client):
    response = client.get("/api/modele-import.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].startswith("attachment; filename=")
    text = response.get_data().decode("utf-8")
    assert text.startswith("\ufeff" + ";".join(PUBLIC_FIELDS) + "\r\n")
    [(line, record)] = read_csv(text)
    assert record["title"] == TEMPLATE_RECORD["title"]
    validate_all([(line, record)])


def test_the_template_imports(app, client, runner, tmp_path):
    path = tmp_path / "modele.csv"
    path.write_bytes(client.get("/api/modele-import.csv").get_data())
    result = runner.invoke(args=["import", str(path), "--state", "pending"])
    assert result.exit_code == 0, result.output
    assert count(app) == 1


def test_the_catalogue_export_imports_back_as_duplicates(app, client, runner, tmp_path,
                                                          make_example):
    make_example(title="=Formule piégée", summary="-moins au début")
    make_example(title="Une cantine solidaire", regions=["76"], departements=["31"])
    path = tmp_path / "export.csv"
    path.write_bytes(client.get("/exemples.csv").get_data())
    result = runner.invoke(args=["import", str(path)])
    assert result.exit_code == 0, result.output
    assert "0 exemple(s) importé(s). 2 doublon(s) ignoré(s)." in result.output


def test_write_then_read_keeps_the_public_record():
    [(_, record)] = read_csv(write_csv([TEMPLATE_RECORD]))
    assert record == TEMPLATE_RECORD
