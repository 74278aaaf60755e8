"""What a search answers: one page of hits, facet values, and what was done with the words."""

from __future__ import annotations

from dataclasses import dataclass, field

from markupsafe import Markup

from .request import SearchRequest


@dataclass
class Hit:
    """One result: the example id and a highlighted excerpt (None when nothing to highlight)."""

    id: int
    snippet: Markup | None = None


@dataclass
class FacetValue:
    """One value offered in a facet, with the total the visitor gets by adding it."""

    value: str
    label: str
    count: int
    selected: bool
    # The results having this value, whatever else its facet holds: what a map shows by area.
    having: int


@dataclass
class SearchResults:
    """One page of results with facets and what the engine did with the words."""

    request: SearchRequest
    hits: list[Hit]
    total: int
    page: int
    pages: int
    facets: dict[str, list[FacetValue]] = field(default_factory=dict)
    searched: str | None = None
    suggestion: str | None = None
    any_words: bool = False
    degraded: bool = False
    sort: str = "pertinence"  # the order actually used ("recent" when there are no words)
    # Thesaurus terms the words were widened to that found some of the results.
    widened: list[str] = field(default_factory=list)
    # Words typed that no example contains (never "corrected" when they are correct words),
    # and the help offered for them: thesaurus terms that do match, and the closest themes.
    unmatched: list[str] = field(default_factory=list)
    related: list[str] = field(default_factory=list)
    themes: list[FacetValue] = field(default_factory=list)

    def ids(self) -> list[int]:
        return [hit.id for hit in self.hits]


class PageOutOfRange(LookupError):
    """The page asked for is beyond the last one (the view answers 404)."""


def degraded(req: SearchRequest) -> SearchResults:
    """Return the empty results shown while the index is unavailable."""
    return SearchResults(request=req, hits=[], total=0, page=max(req.page, 1), pages=1,
                         degraded=True, sort=req.sort)

