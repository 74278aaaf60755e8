"""A search as the URL states it: parse the query string of /exemples/, the API, CSV and Atom."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from flask_babel import gettext

from . import organisations
from .facets import FACET_LABELS, FACETS, FILTERS, label_of

Q_MAX = 200
PER_PAGE_MAX = 100
PAGE_MAX = 10**6
SORTS = ("pertinence", "recent", "titre")

# Control, invisible and bidi characters, and lone surrogates (not encodable in UTF-8).
_CONTROL = re.compile(
    "[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff\ud800-\udfff]"
)


@dataclass
class SearchRequest:
    """What to search: words, filters (OR inside a facet, AND across), sort and page.

    `filters["organisation"]` holds the slugs of organisations that must all be partners.
    """

    q: str = ""
    filters: dict[str, tuple[str, ...]] = field(default_factory=dict)
    sort: str = "pertinence"
    page: int = 1
    per_page: int = 20
    # The words as typed, never replaced by a spelling correction (URL: exact=1): the link
    # under « Résultats pour … » that searches the original words anyway.
    exact: bool = False

    def active_filters(self) -> dict[str, tuple[str, ...]]:
        """Return the non-empty filters, in facet order, the organisations last."""
        return {name: self.filters[name] for name in FILTERS if self.filters.get(name)}


def describe(req: SearchRequest) -> list[tuple[str, str]]:
    """Describe a search in the current language: (what, value) pairs (alerts, embed builder)."""
    found = [(gettext("Mots"), gettext("« %(q)s »", q=req.q))] if req.q else []
    for name, values in req.active_filters().items():
        found.append((
            str(FACET_LABELS.get(name, name)),
            ", ".join(label_of(name, v) if name == organisations.FIELD
                      else gettext(label_of(name, v)) for v in values),
        ))
    return found


class BadParameter(ValueError):
    """A query-string parameter the strict parser refuses; message is in the request's language."""

    def __init__(self, name: str, message: str):
        super().__init__(message)
        self.name = name
        self.message = message


def clean(value: str) -> str:
    """Normalise a parameter: NFC, control and invisible characters dropped, spaces collapsed."""
    value = " ".join(unicodedata.normalize("NFC", value).split())  # tabs, newlines: spaces
    return " ".join(_CONTROL.sub("", value).split())


def parse_args(args) -> tuple[SearchRequest, list[str]]:
    """Build a SearchRequest from a query string (MultiDict); never raise.

    Return messages, in the request's language, for whatever was ignored or fixed (control
    characters are dropped silently).
    """
    problems: list[tuple[str, str]] = []
    request = _parse(args, problems)
    return request, [message for _, message in problems]


def parse_args_strict(args) -> SearchRequest:
    """Build a SearchRequest, raising BadParameter on the first parameter it would have to fix."""
    problems: list[tuple[str, str]] = []
    request = _parse(args, problems)
    if problems:
        raise BadParameter(*problems[0])
    return request


def _parse(args, problems: list[tuple[str, str]]) -> SearchRequest:
    q = " ".join(clean(str(v)) for v in _getlist(args, "q") if v).strip()
    if len(q) > Q_MAX:
        q = q[:Q_MAX].rstrip()
        problems.append(("q", gettext("Recherche trop longue : seuls les %(max)d premiers "
                                      "caractères sont pris en compte.", max=Q_MAX)))

    filters: dict[str, tuple[str, ...]] = {}
    for name, facet in FACETS.items():
        chosen = set()
        for raw in _getlist(args, name):
            value = clean(str(raw))
            if not value:
                continue
            if value in facet.codes:
                chosen.add(value)
            else:
                problems.append((name, facet.unknown(value)))
        if chosen:
            filters[name] = tuple(code for code in facet.codes if code in chosen)
    chosen_organisations = _organisations(args, problems)
    if chosen_organisations:
        filters[organisations.FIELD] = chosen_organisations

    sort = "pertinence"
    raw_sort = clean(str(_get(args, "tri") or ""))
    if raw_sort:
        if raw_sort in SORTS:
            sort = raw_sort
        else:
            problems.append(("tri", gettext("Tri « %(sort)s » inconnu : tri par pertinence.",
                                            sort=_short(raw_sort))))

    page = _number(args, "page", 1, problems)
    per_page = 20
    if _get(args, "per_page") is not None:
        per_page = min(_number(args, "per_page", 20, problems), PER_PAGE_MAX)
    exact = clean(str(_get(args, "exact") or "")) not in ("", "0")
    return SearchRequest(q=q, filters=filters, sort=sort, page=page, per_page=per_page,
                         exact=exact)


def _organisations(args, problems: list[tuple[str, str]]) -> tuple[str, ...]:
    """Return the slugs of the organisations asked for, a merged one replaced by the one kept."""
    asked = [value for value in (clean(str(raw)) for raw in _getlist(args, organisations.FIELD))
             if value]
    found = organisations.resolve(asked)
    chosen: dict[str, None] = {}
    for slug in asked:
        named = found.get(slug)
        if named is None:
            problems.append((organisations.FIELD, gettext(
                "Filtre ignoré : organisation « %(value)s » inconnue.", value=_short(slug))))
        else:
            chosen.setdefault(named.slug)
    return tuple(chosen)


def _number(args, name: str, default: int, problems: list[tuple[str, str]]) -> int:
    raw = clean(str(_get(args, name) or ""))
    if not raw:
        return default
    if not re.fullmatch(r"[0-9]+", raw):
        problems.append((name, _invalid_number(name, _short(raw), default)))
        return default
    if len(raw) > 9:
        # Far beyond any last page: the search answers "page not found".
        return PAGE_MAX if name == "page" else default
    value = int(raw)
    if value < 1:
        problems.append((name, _invalid_number(name, raw, default)))
        return default
    return value


def _invalid_number(name: str, raw: str, default: int) -> str:
    if name == "page":
        return gettext("Numéro de page invalide « %(value)s » : %(default)d retenu.",
                       value=raw, default=default)
    return gettext("Nombre de résultats par page invalide « %(value)s » : %(default)d retenu.",
                   value=raw, default=default)


def _get(args, name: str):
    try:
        return args.get(name)
    except Exception:  # a mapping that is not a MultiDict
        return None


def _getlist(args, name: str) -> list:
    getlist = getattr(args, "getlist", None)
    if getlist is not None:
        return list(getlist(name))
    value = _get(args, name)
    if value is None:
        return []
    return list(value) if isinstance(value, (list, tuple)) else [value]


def _short(value: str) -> str:
    return value if len(value) <= 40 else value[:39] + "…"
