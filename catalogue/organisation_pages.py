"""What the organisation pages read: the directory of organisations and one organisation's profile.

Only published examples count: an organisation appears once one of its examples is published,
and its page shows nothing of a pending example nor of whoever proposed one.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections import Counter
from dataclasses import dataclass, field, replace

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext, ngettext

from . import pictures, search, taxonomy
from .extensions import db
from .models import Example, Organisation, OrganisationRedirect, Partner
from .organisations import name_key
from .queries import CARD_COLUMNS

PER_PAGE = 30
# A name searched is cut beyond this length (an organisation's name is at most 200 characters).
Q_MAX = 100
SORTS = ("exemples", "nom")
PUBLISHED = Example.state == "published"


@dataclass(frozen=True)
class Listed:
    """An organisation in the directory: what its line shows and what the filters read."""

    id: int
    slug: str
    name: str
    key: str
    kind: str
    count: int  # its published examples
    regions: frozenset[str]  # where they act


class Directory:
    """The organisations having a published example, read once per version of the catalogue.

    One query, whatever the number of organisations: then a list page is a filter over this
    memory, not a scan of the partners with their examples' régions.
    """

    def __init__(self) -> None:
        acting: dict[int, set[int]] = {}
        regions: dict[int, set[str]] = {}
        known: dict[int, sa.Row] = {}
        # One row per partner of a published example: organisations without one are not read.
        rows = db.session.execute(
            sa.select(Organisation.id, Organisation.slug, Organisation.name, Organisation.key,
                      Organisation.kind, Example.id.label("example_id"), Example.regions)
            .join(Partner, Partner.organisation_id == Organisation.id)
            .join(Example, Partner.example_id == Example.id)
            .where(PUBLISHED))
        for row in rows:
            known[row.id] = row
            acting.setdefault(row.id, set()).add(row.example_id)
            regions.setdefault(row.id, set()).update(row.regions or ())
        listed = [Listed(row.id, row.slug, row.name, row.key, row.kind, len(acting[row.id]),
                         frozenset(regions[row.id])) for row in known.values()]
        self.by_name = sorted(listed, key=lambda o: (o.key, o.id))
        self.by_count = sorted(listed, key=lambda o: (-o.count, o.key, o.id))
        # Without a name searched, the counts come from these: the kinds of the organisations
        # acting in each région (None: anywhere), the régions of those of each kind (None: any).
        self.kinds_in: dict[str | None, Counter] = {None: Counter()}
        self.regions_of: dict[str | None, Counter] = {None: Counter()}
        for o in listed:
            self.kinds_in[None][o.kind] += 1
            self.regions_of[None].update(o.regions)
            self.regions_of.setdefault(o.kind, Counter()).update(o.regions)
            for region in o.regions:
                self.kinds_in.setdefault(region, Counter())[o.kind] += 1
        # What a list without a name searched keeps, by (kind, région, sort), computed once.
        self.unsearched: dict[tuple, list[Listed]] = {}


_loading = threading.Lock()


def directory() -> Directory:
    """Return the Directory of the current index version, loaded again when it changed.

    The index follows every change of a published example, and the moderators' renames and
    merges of organisations re-index their examples: the same version, the same directory.
    """
    version = search.version()
    if version is None:  # the index is unavailable: no version to trust, read it afresh
        return Directory()
    memo = current_app.extensions.get("organisation_directory")
    if memo is None or memo[0] != version:
        with _loading:  # one load per new version, however many requests wait for it
            memo = current_app.extensions.get("organisation_directory")
            if memo is None or memo[0] != version:
                memo = (version, Directory())
                current_app.extensions["organisation_directory"] = memo
    return memo[1]


# --- The list -------------------------------------------------------------------------------

@dataclass(frozen=True)
class ListRequest:
    q: str = ""
    kind: str | None = None
    region: str | None = None
    sort: str = "exemples"
    page: int = 1


@dataclass
class Listing:
    request: ListRequest
    organisations: list[Listed]
    total: int
    pages: int
    kinds: dict[str, int] = field(default_factory=dict)  # with the other filters than the kind
    regions: dict[str, int] = field(default_factory=dict)  # with the other filters than the région


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]")


def _clean(value) -> str:
    value = unicodedata.normalize("NFC", str(value))
    return " ".join(_CONTROL.sub(" ", value).split())


def parse_list_args(args) -> tuple[ListRequest, list[str]]:
    """Read the list's query string; never raise. Return the notices of what was ignored."""
    notices = []
    q = _clean(args.get("q", ""))
    if len(q) > Q_MAX:
        q = q[:Q_MAX].rstrip()
        notices.append(gettext("Recherche trop longue : seuls les %(max)d premiers "
                               "caractères sont pris en compte.", max=Q_MAX))

    def chosen(name: str, facet: str, vocabulary) -> str | None:
        value = _clean(args.get(name, ""))
        if value and value not in vocabulary:
            notices.append(search.FACETS[facet].unknown(value))
            return None
        return value or None

    kind = chosen("type", "acteur", taxonomy.PARTNER_KINDS)
    region = chosen("region", "region", taxonomy.REGIONS)
    sort = _clean(args.get("tri", "")) or "exemples"
    if sort not in SORTS:
        notices.append(gettext("Tri « %(sort)s » inconnu : par nombre d’exemples.", sort=sort[:40]))
        sort = "exemples"
    page, raw = 1, _clean(args.get("page", ""))
    if raw:
        if raw.isascii() and raw.isdigit() and 0 < int(raw[:9]) and len(raw) <= 9:
            page = int(raw)
        else:
            notices.append(gettext("Numéro de page invalide « %(value)s » : %(default)d retenu.",
                                   value=raw[:40], default=1))
    return ListRequest(q, kind, region, sort, page), notices


def listing(req: ListRequest) -> tuple[Listing, list[str]]:
    """Return the page of organisations the request asks for, with the counts of each kind and
    région among those the other filters keep (exact: each organisation counted once)."""
    found = directory()
    words = name_key(req.q).split()
    if words:
        kept, kinds, regions = _filter(found, words, req)
    else:
        key = (req.kind, req.region, req.sort)
        if key not in found.unsearched:
            found.unsearched[key] = [
                o for o in (found.by_name if req.sort == "nom" else found.by_count)
                if (req.kind is None or o.kind == req.kind)
                and (req.region is None or req.region in o.regions)]
        kept = found.unsearched[key]
        kinds = found.kinds_in.get(req.region, Counter())
        regions = found.regions_of.get(req.kind, Counter())
    pages = max(1, -(-len(kept) // PER_PAGE))
    notices = []
    page = req.page
    if page > pages:
        notices.append(ngettext("Il n’y a qu’une page : la voici.",
                                "Il n’y a que %(num)d pages : voici la dernière.", pages))
        page = pages
    start = (page - 1) * PER_PAGE
    return Listing(
        request=ListRequest(req.q, req.kind, req.region, req.sort, page),
        organisations=_named(kept[start:start + PER_PAGE]), total=len(kept), pages=pages,
        kinds={code: kinds[code] for code in taxonomy.PARTNER_KINDS.codes if kinds[code]},
        regions={code: regions[code] for code in taxonomy.REGIONS.codes if regions[code]},
    ), notices


def _filter(found: Directory, words: list[str], req: ListRequest
            ) -> tuple[list[Listed], Counter, Counter]:
    """Return the organisations the request keeps, in its order, and the counts of each kind
    (among those of the région) and of each région (among those of the kind)."""
    kinds: Counter[str] = Counter()
    regions: Counter[str] = Counter()
    kept = []
    named = found.by_name if req.sort == "nom" else found.by_count
    if len(words) == 1:  # the usual case, and the quickest scan
        named = [o for o in named if words[0] in o.key]
    else:
        named = [o for o in named if all(word in o.key for word in words)]
    for organisation in named:
        in_region = req.region is None or req.region in organisation.regions
        of_kind = req.kind is None or organisation.kind == req.kind
        if in_region:
            kinds[organisation.kind] += 1
        if of_kind:
            regions.update(organisation.regions)
            if in_region:
                kept.append(organisation)
    return kept, kinds, regions


def _named(shown: list[Listed]) -> list[Listed]:
    """Return the organisations of a page with their names and slugs as they are now."""
    rows = db.session.execute(sa.select(Organisation.id, Organisation.slug, Organisation.name)
                              .where(Organisation.id.in_([o.id for o in shown])))
    now = {row.id: row for row in rows}
    return [replace(o, slug=now[o.id].slug, name=now[o.id].name) for o in shown if o.id in now]


# --- One organisation -------------------------------------------------------------------------

EXAMPLES_SHOWN = 6
ALLIES_SHOWN = 30


@dataclass
class Profile:
    organisation: Organisation
    count: int  # its published examples
    examples: list[sa.Row]  # the latest EXAMPLES_SHOWN, as cards
    regions: list[tuple[str, int]]  # (code, published examples there), most first
    departements: list[tuple[str, int]]
    allies: list[tuple[sa.Row, int]]  # (organisation id, slug, name, kind; shared examples)
    allies_total: int
    logo: pictures.Picture | None


def by_slug(slug: str) -> tuple[Organisation | None, Organisation | None]:
    """Return (the organisation of that slug, None) or, for the slug of one merged into another,
    (None, the organisation kept)."""
    organisation = db.session.scalar(sa.select(Organisation).where(Organisation.slug == slug))
    if organisation is not None:
        return organisation, None
    moved = db.session.get(OrganisationRedirect, slug)
    return None, moved.organisation if moved is not None else None


def profile(organisation: Organisation) -> Profile:
    """Return what the organisation's page shows: its published examples, where they act, and
    the organisations it partnered with in them."""
    its = (sa.select(Partner.example_id).where(Partner.organisation_id == organisation.id)
           .scalar_subquery())
    places = db.session.execute(
        sa.select(Example.regions, Example.departements).where(Example.id.in_(its), PUBLISHED)
    ).all()
    regions: Counter[str] = Counter()
    departements: Counter[str] = Counter()
    for example_regions, example_departements in places:
        regions.update(example_regions or ())
        departements.update(example_departements or ())
    examples = db.session.execute(
        sa.select(*CARD_COLUMNS).where(Example.id.in_(its), PUBLISHED)
        .order_by(Example.published_at.desc(), Example.id.desc()).limit(EXAMPLES_SHOWN)
    ).all() if places else []
    allies, allies_total = _allies(organisation.id) if places else ([], 0)
    return Profile(organisation, len(places), examples,
                   _most_first(regions, taxonomy.REGIONS),
                   _most_first(departements, taxonomy.DEPARTEMENTS), allies, allies_total,
                   pictures.logo(organisation.id))


def _allies(organisation_id: int) -> tuple[list[tuple[sa.Row, int]], int]:
    """Return the organisations that partnered with this one in its published examples (the
    ALLIES_SHOWN with the most examples together), and how many there are in all."""
    mine = sa.orm.aliased(Partner)
    other = sa.orm.aliased(Partner)
    shared = sa.func.count(sa.distinct(other.example_id)).label("shared")
    together = (
        sa.select(other.organisation_id, shared)
        .join(mine, mine.example_id == other.example_id)
        .join(Example, Example.id == other.example_id)
        .where(mine.organisation_id == organisation_id, PUBLISHED,
               other.organisation_id.is_not(None), other.organisation_id != organisation_id)
        .group_by(other.organisation_id)
    ).subquery()
    rows = db.session.execute(  # one query: the window counts them all before the limit
        sa.select(Organisation.id, Organisation.slug, Organisation.name, Organisation.kind,
                  together.c.shared, sa.func.count().over().label("total"))
        .join(together, together.c.organisation_id == Organisation.id)
        .order_by(together.c.shared.desc(), Organisation.key, Organisation.id).limit(ALLIES_SHOWN)
    ).all()
    return [(row, row.shared) for row in rows], rows[0].total if rows else 0


def _most_first(counts: Counter[str], vocabulary) -> list[tuple[str, int]]:
    known = [(code, n) for code, n in counts.items() if code in vocabulary]
    order = {code: i for i, code in enumerate(vocabulary.codes)}
    return sorted(known, key=lambda item: (-item[1], order[item[0]]))


def identifiers(organisation: Organisation) -> list[tuple[str, str, str]]:
    """Return (name, value as written, value as shown) of each official identifier it has:
    SIREN « 552 100 554 », SIRET « 552 100 554 00013 »."""
    found = []
    if organisation.siren:
        s = organisation.siren
        found.append(("SIREN", s, f"{s[:3]}\u00a0{s[3:6]}\u00a0{s[6:]}"))
    if organisation.siret:
        s = organisation.siret
        found.append(("SIRET", s, f"{s[:3]}\u00a0{s[3:6]}\u00a0{s[6:9]}\u00a0{s[9:]}"))
    if organisation.rna:
        found.append(("RNA", organisation.rna, organisation.rna))
    if organisation.cog:
        found.append(("COG", organisation.cog, organisation.cog))
    return found
