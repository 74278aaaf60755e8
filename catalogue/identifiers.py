"""Official identifiers of organisations: SIREN, SIRET, RNA and code INSEE (COG).

Each `check_*` takes text as a person typed it (« 552 100 554 »), returns the normalised value,
or raises ValueError with a French message (English in an English request) to show next to
the field. Every identifier is optional: blank text gives "".
"""

from __future__ import annotations

import re

from . import taxonomy
from .i18n import gettext

# La Poste's SIRETs do not follow Luhn: the sum of their digits is a multiple of 5.
LA_POSTE_SIREN = "356000000"

_SPACES = re.compile(r"\s+")  # includes the (narrow) no-break spaces of pasted numbers
_DIGITS = re.compile(r"[0-9]+")
_RNA = re.compile(r"W[0-9]{9}")
_COMMUNE = re.compile(r"(?:[0-9]{2}|2[AB])[0-9]{3}")


def _compact(value: str | None) -> str:
    return _SPACES.sub("", value or "").upper()


def luhn_valid(digits: str) -> bool:
    """Return whether a string of digits passes the Luhn check (every second digit doubled)."""
    total = 0
    for position, char in enumerate(reversed(digits)):
        digit = int(char)
        if position % 2:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return total % 10 == 0


def check_siren(value: str | None) -> str:
    """Return the SIREN (9 digits, Luhn key) without its spaces; raise ValueError otherwise."""
    siren = _compact(value)
    if not siren:
        return ""
    if len(siren) != 9 or not _DIGITS.fullmatch(siren):
        raise ValueError(gettext("Le SIREN doit compter 9 chiffres."))
    if not luhn_valid(siren):
        raise ValueError(gettext("Ce numéro SIREN n’est pas valide (clé de contrôle)."))
    return siren


def check_siret(value: str | None) -> str:
    """Return the SIRET (SIREN + 5 digits, Luhn key) without its spaces; raise ValueError otherwise.

    La Poste's establishments (SIREN 356000000) are checked by the sum of their digits, a
    multiple of 5, as INSEE numbers them; its head office also passes Luhn.
    """
    siret = _compact(value)
    if not siret:
        return ""
    if len(siret) != 14 or not _DIGITS.fullmatch(siret):
        raise ValueError(gettext("Le SIRET doit compter 14 chiffres."))
    if not luhn_valid(siret[:9]):
        raise ValueError(gettext(
            "Les 9 premiers chiffres de ce SIRET ne forment pas un SIREN valide (clé de contrôle)."
        ))
    valid = luhn_valid(siret)
    if not valid and siret.startswith(LA_POSTE_SIREN):
        valid = sum(int(char) for char in siret) % 5 == 0
    if not valid:
        raise ValueError(gettext("Ce numéro SIRET n’est pas valide (clé de contrôle)."))
    return siret


def check_rna(value: str | None) -> str:
    """Return the RNA number of an association (W + 9 digits, upper-case); raise ValueError."""
    rna = _compact(value)
    if not rna:
        return ""
    if not _RNA.fullmatch(rna):
        raise ValueError(gettext(
            "Le numéro RNA s’écrit W suivi de 9 chiffres (par exemple W751234567)."
        ))
    return rna


def check_cog(value: str | None) -> str:
    """Return the code INSEE of a commune, département or région (upper-case); raise ValueError.

    A commune's code has 5 characters: its département's code (2A/2B in Corsica, 97x overseas)
    then its number there. Département and région codes are those of `taxonomy`.
    """
    cog = _compact(value)
    if not cog:
        return ""
    if len(cog) == 5:
        if not _COMMUNE.fullmatch(cog):
            raise ValueError(_cog_message())
        departement = cog[:3] if cog.startswith("97") else cog[:2]
        number = cog[len(departement):]
        if departement not in taxonomy.DEPARTEMENTS or not int(number):
            raise ValueError(gettext(
                "Ce code INSEE ne correspond à aucune commune d’un département connu."
            ))
        return cog
    if cog in taxonomy.DEPARTEMENTS or cog in taxonomy.REGIONS:
        return cog
    raise ValueError(_cog_message())


def _cog_message() -> str:
    return gettext(
        "Le code INSEE doit être celui d’une commune (5 caractères, 2A ou 2B pour la Corse), "
        "d’un département ou d’une région."
    )
