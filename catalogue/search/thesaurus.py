"""The thesaurus of the field: sigles and synonyms searched along with the words typed.

The data is a text file in the Solr / Elasticsearch synonym format (see synonyms.txt beside this
module): `a, b, c` are equivalent, `a, b => c` widens a and b to c only, `#` starts a comment. It
is read at query time, so editing it needs no reindex: `synonyms.txt` in the instance folder
replaces the packaged one, and a changed file is read again at the next search.

Terms are compared as the index sees them, by their analysed words (stems), so « Personnes
âgées » and « personne agee » are the same term. `theme_words.txt` (same format, `words =>
theme code`) points words to the catalogue's themes, for the help shown when nothing matches.
"""

from __future__ import annotations

import functools
import logging
import os
import re
import threading
from dataclasses import dataclass, field
from pathlib import Path

from .. import taxonomy
from .analysis import analyze, fold

log = logging.getLogger(__name__)

PACKAGED = Path(__file__).with_name("synonyms.txt")
THEME_WORDS = Path(__file__).with_name("theme_words.txt")
INSTANCE_FILE = "synonyms.txt"
MAX_TERM_WORDS = 8  # the longest phrase the search looks for

Stems = tuple[str, ...]


@dataclass(frozen=True)
class Term:
    """One term of a line: its text as written and its analysed words."""

    text: str
    stems: Stems


@dataclass(frozen=True)
class Line:
    """One rule of the file: equivalent terms (targets None) or sources => targets."""

    number: int
    text: str
    sources: tuple[Term, ...]
    targets: tuple[Term, ...] | None = None

    @property
    def terms(self) -> tuple[Term, ...]:
        return self.sources + (self.targets or ())


@dataclass(frozen=True)
class Problem:
    """A line the parser refuses, with the reason in French."""

    number: int
    text: str
    message: str


def parse(text: str) -> tuple[list[Line], list[Problem]]:
    """Read synonym rules; return the valid lines and the refused ones."""
    lines: list[Line] = []
    problems: list[Problem] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        content = raw.split("#", 1)[0].strip()
        if not content:
            continue
        try:
            lines.append(_line(number, content))
        except ValueError as exc:
            problems.append(Problem(number, content, str(exc)))
    return lines, problems


def _line(number: int, content: str) -> Line:
    sides = content.split("=>")
    if len(sides) > 2:
        raise ValueError("« => » ne peut figurer qu’une fois par ligne")
    if "\\" in content:
        raise ValueError("les échappements (\\) ne sont pas pris en charge")
    groups = [_terms(side) for side in sides]
    if len(groups) == 1:
        if len({t.stems for t in groups[0]}) < 2:
            raise ValueError("une ligne d’équivalence demande au moins deux termes différents")
        return Line(number, content, groups[0])
    if not groups[0] or not groups[1]:
        raise ValueError("il faut au moins un terme de chaque côté de « => »")
    return Line(number, content, groups[0], groups[1])


def _terms(side: str) -> tuple[Term, ...]:
    terms = []
    for raw in side.split(","):
        text = " ".join(raw.split())
        if not text:
            if side.strip():
                raise ValueError("terme vide (virgule en trop ?)")
            continue
        stems = tuple(analyze(text))
        if not stems:
            raise ValueError(f"« {text} » ne contient aucun mot cherchable (mots vides)")
        if len(stems) > MAX_TERM_WORDS:
            raise ValueError(f"« {text} » dépasse {MAX_TERM_WORDS} mots")
        terms.append(Term(text, stems))
    return tuple(terms)


@functools.cache
def place_stems() -> frozenset[str]:
    """Return the words of the taxonomy's place names as the index sees them."""
    return frozenset(stem for label in place_names() for stem in analyze(label))


def place_names() -> list[str]:
    """Return the names of the régions and départements (French labels)."""
    return [term.label for vocabulary in (taxonomy.REGIONS, taxonomy.DEPARTEMENTS)
            for term in vocabulary]


@dataclass
class Thesaurus:
    """The rules of one version of the file, looked up by analysed words."""

    lines: list[Line] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    # Single words that are also a place name of the taxonomy (« aînés » and the Ain meet in
    # the stem "ain"): widening to them would bring in that place's examples.
    ambiguous: frozenset[str] = frozenset()
    themes: dict[Stems, tuple[str, ...]] = field(default_factory=dict)
    path: str = ""

    def __post_init__(self) -> None:
        widen: dict[Stems, dict[Stems, Term]] = {}
        related: dict[Stems, dict[Stems, Term]] = {}
        for line in self.lines:
            sources = line.sources
            targets = line.targets if line.targets is not None else line.sources
            for source in sources:
                for target in targets:
                    if target.stems == source.stems:
                        continue
                    related.setdefault(source.stems, {}).setdefault(target.stems, target)
                    related.setdefault(target.stems, {}).setdefault(source.stems, source)
                    if self.usable(target):
                        widen.setdefault(source.stems, {}).setdefault(target.stems, target)
        self._widen = {k: tuple(v.values()) for k, v in widen.items()}
        self._related = {k: tuple(v.values()) for k, v in related.items()}
        self.longest = max((len(k) for k in self._widen), default=0)

    def usable(self, term: Term) -> bool:
        """Tell whether a term may widen a search (not a lone place-name word)."""
        return not (len(term.stems) == 1 and term.stems[0] in self.ambiguous)

    def widen(self, stems: Stems) -> tuple[Term, ...]:
        """Return the terms a search for these words is widened to."""
        return self._widen.get(stems, ())

    def related(self, stems: Stems) -> tuple[Term, ...]:
        """Return every term sharing a line with these words, in either direction."""
        return self._related.get(stems, ())

    def theme_codes(self, stems: Stems) -> tuple[str, ...]:
        """Return the themes theme_words.txt points these words to."""
        return self.themes.get(stems, ())

    @functools.cached_property
    def folded_words(self) -> frozenset[str]:
        """Return the words of every term, lower-cased and folded (known vocabulary)."""
        return frozenset(fold(w.lower()) for line in self.lines for t in line.terms
                         for w in re.findall(r"\w+", t.text))


def load(path: Path) -> Thesaurus:
    """Read a synonyms file and the packaged theme words into a Thesaurus."""
    lines, problems = parse(path.read_text(encoding="utf-8"))
    return Thesaurus(lines, problems, ambiguous=place_stems(), themes=_theme_words(),
                     path=str(path))


def _theme_words() -> dict[Stems, tuple[str, ...]]:
    lines, problems = parse(THEME_WORDS.read_text(encoding="utf-8"))
    for problem in problems:
        log.warning("theme_words.txt line %s refused: %s", problem.number, problem.message)
    themes: dict[Stems, list[str]] = {}
    for line in lines:
        codes = [t.text for t in line.targets or () if t.text in taxonomy.THEMES.codes]
        for source in line.sources:
            themes.setdefault(source.stems, []).extend(codes)
    return {k: tuple(dict.fromkeys(v)) for k, v in themes.items()}


class Source:
    """The thesaurus in force: the instance folder's file, else the packaged one.

    The file is stat'ed at each search and read again when it changed (no restart, no reindex).
    A refused line is logged once and skipped; `synonyms check` lists them.
    """

    def __init__(self, instance_path: str | os.PathLike):
        self.instance_file = Path(instance_path) / INSTANCE_FILE
        self._key: tuple | None = None
        self._current = Thesaurus()
        self._lock = threading.Lock()

    def path(self) -> Path:
        return self.instance_file if self.instance_file.is_file() else PACKAGED

    def current(self) -> Thesaurus:
        path = self.path()
        try:
            info = path.stat()
        except OSError:
            return self._current
        key = (str(path), info.st_mtime_ns, info.st_size)
        if key != self._key:
            with self._lock:
                if key != self._key:
                    try:
                        thesaurus = load(path)
                    except (OSError, UnicodeDecodeError) as exc:
                        log.warning("search: synonyms file %s unreadable: %r", path, exc)
                        self._key = key
                        return self._current
                    for problem in thesaurus.problems:
                        log.warning("search: %s line %s refused: %s", path, problem.number,
                                    problem.message)
                    self._current, self._key = thesaurus, key
        return self._current
