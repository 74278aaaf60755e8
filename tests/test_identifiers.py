"""Official identifiers: real numbers pass normalised, typing errors get a clear French answer."""

from __future__ import annotations

import pytest
from flask_babel import force_locale

from catalogue.identifiers import check_cog, check_rna, check_siren, check_siret, luhn_valid


@pytest.mark.parametrize(("typed", "expected"), [
    ("130005481", "130005481"),  # France Travail
    ("130 005 481", "130005481"),
    ("542 051 180", "542051180"),
    ("\u202f542\u00a0107\u00a0651 ", "542107651"),  # no-break spaces of a pasted number
    ("356000000", "356000000"),  # La Poste
    ("", ""),
    ("   ", ""),
    (None, ""),
])
def test_valid_siren_is_returned_without_spaces(typed, expected):
    assert check_siren(typed) == expected


@pytest.mark.parametrize(("typed", "message"), [
    ("13000548", "Le SIREN doit compter 9 chiffres."),
    ("1300054810", "Le SIREN doit compter 9 chiffres."),
    ("13000548A", "Le SIREN doit compter 9 chiffres."),
    ("130-005-481", "Le SIREN doit compter 9 chiffres."),
    ("130005482", "Ce numéro SIREN n’est pas valide (clé de contrôle)."),  # last digit mistyped
    ("310005481", "Ce numéro SIREN n’est pas valide (clé de contrôle)."),  # two digits swapped
])
def test_invalid_siren_is_refused_with_a_french_message(typed, message):
    with pytest.raises(ValueError) as raised:
        check_siren(typed)
    assert str(raised.value) == message


@pytest.mark.parametrize(("typed", "expected"), [
    ("443 061 841 00047", "44306184100047"),
    ("13000548100010", "13000548100010"),
    ("356 000 000 00048", "35600000000048"),  # La Poste's head office passes Luhn
    ("356 000 000 49837", "35600000049837"),  # a post office: digit sum 45, not Luhn
    ("", ""),
])
def test_valid_siret_is_returned_without_spaces(typed, expected):
    assert check_siret(typed) == expected


@pytest.mark.parametrize(("typed", "message"), [
    ("4430618410004", "Le SIRET doit compter 14 chiffres."),
    ("443061841000470", "Le SIRET doit compter 14 chiffres."),
    ("443061841OOO47", "Le SIRET doit compter 14 chiffres."),
    ("44306184100048", "Ce numéro SIRET n’est pas valide (clé de contrôle)."),
    ("35600000049838", "Ce numéro SIRET n’est pas valide (clé de contrôle)."),  # sum 46
    (
        "44306184200046",
        "Les 9 premiers chiffres de ce SIRET ne forment pas un SIREN valide (clé de contrôle).",
    ),
])
def test_invalid_siret_is_refused_with_a_french_message(typed, message):
    with pytest.raises(ValueError) as raised:
        check_siret(typed)
    assert str(raised.value) == message


def test_the_la_poste_exception_is_only_for_la_poste():
    # Same digit sum rule, another SIREN: Luhn applies.
    assert sum(map(int, "44306184100004")) % 5 == 0 and not luhn_valid("44306184100004")
    with pytest.raises(ValueError):
        check_siret("44306184100004")


@pytest.mark.parametrize(("typed", "expected"), [
    ("W751234567", "W751234567"),
    ("w751234567", "W751234567"),
    (" W 751 234 567 ", "W751234567"),
    ("", ""),
])
def test_valid_rna_is_upper_cased(typed, expected):
    assert check_rna(typed) == expected


@pytest.mark.parametrize("typed", ["751234567", "W75123456", "W7512345678", "X751234567", "WW51234567"])
def test_invalid_rna_is_refused(typed):
    with pytest.raises(ValueError) as raised:
        check_rna(typed)
    assert str(raised.value) == "Le numéro RNA s’écrit W suivi de 9 chiffres (par exemple W751234567)."


@pytest.mark.parametrize(("typed", "expected"), [
    ("42218", "42218"),  # Saint-Étienne
    ("75056", "75056"),  # Paris
    ("2a004", "2A004"),  # Ajaccio
    ("2B033", "2B033"),  # Bastia
    ("97411", "97411"),  # Saint-Denis (La Réunion)
    ("97611", "97611"),  # Mamoudzou
    ("42", "42"),  # département de la Loire
    ("2B", "2B"),
    ("974", "974"),
    ("84", "84"),  # Auvergne-Rhône-Alpes (also a département: Vaucluse)
    ("06", "06"),
    ("", ""),
])
def test_valid_cog_is_returned_upper_cased(typed, expected):
    assert check_cog(typed) == expected


SHAPE = (
    "Le code INSEE doit être celui d’une commune (5 caractères, 2A ou 2B pour la Corse), "
    "d’un département ou d’une région."
)
UNKNOWN = "Ce code INSEE ne correspond à aucune commune d’un département connu."


@pytest.mark.parametrize(("typed", "message"), [
    ("4221", SHAPE),
    ("422180", SHAPE),
    ("2C004", SHAPE),
    ("42A18", SHAPE),
    ("20", SHAPE),  # Corsica has been 2A and 2B since 1976
    ("99", SHAPE),
    ("975", SHAPE),  # Saint-Pierre-et-Miquelon is not one of our départements
    ("20004", UNKNOWN),
    ("96001", UNKNOWN),
    ("97501", UNKNOWN),
    ("42000", UNKNOWN),
])
def test_invalid_cog_is_refused(typed, message):
    with pytest.raises(ValueError) as raised:
        check_cog(typed)
    assert str(raised.value) == message


def test_messages_follow_the_language_of_the_request(app):
    with app.test_request_context("/"), force_locale("en_GB"):
        with pytest.raises(ValueError) as raised:
            check_siren("123")
    assert str(raised.value) == "A SIREN has 9 digits."
