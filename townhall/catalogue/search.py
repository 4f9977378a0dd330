"""Finding services the way residents ask for them.

A query is read as concepts: each phrase of the council thesaurus it contains ("council
tax", "fly tipping"), or else each word, less the words that name no service ("how do I").
A concept matches a service when any of its phrases does; a service must match every
concept, or, when none does, any one of them.

On PostgreSQL the match is English full-text search (stemmed: "collections" finds
"collection") over the name (weight A), keywords (B), summary (C) and description (D),
ranked by SearchRank so that a name match comes first, with the last word matched as a
prefix while it is being typed; when nothing matches, pg_trgm's word similarity finds
misspellings the thesaurus does not list ("gaffiti", "complant"). The catalogue is small (under 200 services): the
search vector is computed per query, in about a millisecond per hundred services, so none
is stored or indexed. SQLite, for tests and the demo only, matches the same concepts with
LIKE and ranks name matches first in Python.

In Welsh, the Welsh texts (`name_cy`...) are searched too, beside the English (a Welsh
reader may type "fly tipping"): PostgreSQL has no Welsh stemmer, so they go through the
`simple` configuration (lower-cased words, no stemming), and Welsh letters with a to bach
(ŵ, ŷ, â...) count as letters of a word.
"""

import re
from collections.abc import Iterable
from functools import lru_cache, reduce
from operator import and_, or_

from django.contrib.postgres.search import (
    SearchQuery,
    SearchRank,
    SearchVector,
    TrigramWordSimilarity,
)
from django.db import connection
from django.db.models import F, Q, QuerySet
from django.db.models.functions import Greatest

from townhall.catalogue.models import Service
from townhall.catalogue.thesaurus import ALSO, SAME, STOPWORDS

FTS_CONFIG = "english"
WELSH_CONFIG = "simple"
MAX_WORDS = 12
# pg_trgm word similarity from which a misspelt query still finds a service's name or
# keywords: "gaffiti" and "graffiti" score 0.62, "noize" and "noise" 0.5; but "taxi" and
# "tax" 0.6 too, so it is asked only when full-text search finds nothing.
TRIGRAM_THRESHOLD = 0.5
# The last word is matched as a prefix from this many letters ("bul" does not yet say much).
PREFIX_MIN_LENGTH = 3

Concept = tuple[str, ...]
_WORD = re.compile(r"[a-z0-9âêîôûŵŷáéíóúẃýàèìòùẁỳäëïöüẅÿ]+")
# Words a Welsh query carries that name no service ("sut ydw i'n talu": "i'n" reads "in").
WELSH_STOPWORDS = frozenset(
    ["a", "ac", "am", "ar", "at", "beth", "bod", "dros", "eich", "ein", "fy", "gan", "gyda"]
    + ["hoffwn", "in", "mae", "mewn", "neu", "o", "oes", "os", "pa", "sut", "wyf", "ydw"]
    + ["yn", "yr", "y"]
)


def _words(text: str) -> list[str]:
    """Lower-case words of `text`; hyphens, dots and apostrophes split or vanish as residents
    type them either way ("fly-tipping" is "fly tipping", "f.o.i" is "foi")."""
    text = text.lower().replace("'", "").replace("’", "").replace(".", "")
    return _WORD.findall(text)


def _phrase(text: str) -> str:
    return " ".join(_words(text))


@lru_cache(maxsize=1)
def _thesaurus() -> dict[str, frozenset[str]]:
    """Every phrase of the thesaurus, with all the phrases it finds (itself included)."""
    table: dict[str, set[str]] = {}
    for group in SAME:
        phrases = {_phrase(p) for p in group}
        for phrase in phrases:
            table.setdefault(phrase, set()).update(phrases)
    for key, alternatives in ALSO.items():
        phrase = _phrase(key)
        table.setdefault(phrase, {phrase}).update(_phrase(a) for a in alternatives)
    return {phrase: frozenset(found) for phrase, found in table.items()}


@lru_cache(maxsize=1)
def _longest() -> int:
    return max(len(phrase.split()) for phrase in _thesaurus())


def query_concepts(query: str, welsh: bool = False) -> list[Concept]:
    """The concepts of a resident's query, each as the phrase typed first, then its
    thesaurus alternatives. Empty when the query names nothing ("how do I")."""
    words = _words(query)[:MAX_WORDS]
    table, concepts, index = _thesaurus(), [], 0
    while index < len(words):
        for size in range(min(_longest(), len(words) - index), 0, -1):
            phrase = " ".join(words[index : index + size])
            if phrase in table:
                concepts.append((phrase, *sorted(table[phrase] - {phrase})))
                index += size
                break
        else:
            word = words[index]
            stop = word in STOPWORDS or (welsh and word in WELSH_STOPWORDS)
            if not stop and (len(word) > 1 or word.isdigit()):
                concepts.append((word,))
            index += 1
    return list(dict.fromkeys(concepts))  # "bin bin" asks once


def services_ranked(
    services: QuerySet[Service], query: str, language: str = "en"
) -> list[Service] | None:
    """The services of `services` that match `query`, best first, in `language` (Welsh
    searches the Welsh texts as well); None when the query names nothing (the caller lists
    every service)."""
    welsh = language == "cy"
    concepts = query_concepts(query, welsh=welsh)
    if not concepts:
        return None
    if connection.vendor == "postgresql":
        return _ranked_postgres(services, concepts, welsh)
    return _ranked_like(services, concepts, welsh)


# ----------------------------------------------------------------------------------------
# PostgreSQL: full-text search, ranked, with trigram similarity for misspellings


def _concept_query(concept: Concept, *, prefix: bool, welsh: bool) -> SearchQuery:
    configs = (FTS_CONFIG, WELSH_CONFIG) if welsh else (FTS_CONFIG,)
    queries = [
        SearchQuery(p, search_type="phrase", config=config) for p in concept for config in configs
    ]
    typed = concept[0]
    if prefix and " " not in typed and len(typed) >= PREFIX_MIN_LENGTH:
        # Safe as a raw tsquery: `typed` holds only letters and digits (see _words).
        queries += [SearchQuery(f"{typed}:*", search_type="raw", config=c) for c in configs]
    return reduce(or_, queries)


def _ranked_postgres(
    services: QuerySet[Service], concepts: list[Concept], welsh: bool
) -> list[Service]:
    each = [
        _concept_query(concept, prefix=number == len(concepts) - 1, welsh=welsh)
        for number, concept in enumerate(concepts)
    ]
    every, anyone = reduce(and_, each), reduce(or_, each)
    typed = " ".join(concept[0] for concept in concepts)
    document = (
        SearchVector("name", weight="A", config=FTS_CONFIG)
        + SearchVector("keywords", weight="B", config=FTS_CONFIG)
        + SearchVector("summary", weight="C", config=FTS_CONFIG)
        + SearchVector("description", weight="D", config=FTS_CONFIG)
    )
    near = [TrigramWordSimilarity(typed, "name"), TrigramWordSimilarity(typed, "keywords")]
    if welsh:
        document = (
            document
            + SearchVector("name_cy", weight="A", config=WELSH_CONFIG)
            + SearchVector("keywords_cy", weight="B", config=WELSH_CONFIG)
            + SearchVector("summary_cy", weight="C", config=WELSH_CONFIG)
            + SearchVector("description_cy", weight="D", config=WELSH_CONFIG)
        )
        near += [
            TrigramWordSimilarity(typed, "name_cy"),
            TrigramWordSimilarity(typed, "keywords_cy"),
        ]
    annotated = services.annotate(document=document, similarity=Greatest(*near))
    # Every concept; else any; else a near spelling (only then: "taxi" is close to "tax").
    found = annotated.filter(document=every)
    if len(concepts) > 1 and not found.exists():
        found = annotated.filter(document=anyone)
    if not found.exists():
        found = annotated.filter(similarity__gte=TRIGRAM_THRESHOLD)
    ranked = found.annotate(score=SearchRank(F("document"), anyone) + F("similarity"))
    return list(ranked.order_by("-score", "name"))


# ----------------------------------------------------------------------------------------
# SQLite (tests and the demo): LIKE over the same concepts, name matches first

_COLUMNS = ("name", "keywords", "summary", "description")
_WELSH_COLUMNS = ("name_cy", "keywords_cy", "summary_cy", "description_cy")


def _stem(phrase: str) -> str:
    """A plural's stem, so "bins" finds "bin" (and "collections" "collection")."""
    return phrase[:-1] if " " not in phrase and len(phrase) > 4 and phrase[-1] == "s" else phrase


def _concept_like(concept: Concept, columns: tuple[str, ...]) -> Q:
    return reduce(
        or_,
        (Q(**{f"{column}__icontains": _stem(p)}) for p in concept for column in columns),
    )


def _like_score(service: Service, concepts: Iterable[Concept], welsh: bool) -> int:
    """3 for each concept in the name, 2 in the keywords, 1 in the summary or description
    (in either language, in Welsh)."""
    score = 0
    for concept in concepts:
        for weight, *columns in zip((3, 2, 1, 1), _COLUMNS, _WELSH_COLUMNS, strict=True):
            texts = [getattr(service, c).lower() for c in columns[: 2 if welsh else 1]]
            if any(_stem(p) in text for p in concept for text in texts):
                score += weight
                break
    return score


def _ranked_like(
    services: QuerySet[Service], concepts: list[Concept], welsh: bool
) -> list[Service]:
    columns = _COLUMNS + _WELSH_COLUMNS if welsh else _COLUMNS
    found = list(services.filter(reduce(and_, (_concept_like(c, columns) for c in concepts))))
    if not found and len(concepts) > 1:
        found = list(services.filter(reduce(or_, (_concept_like(c, columns) for c in concepts))))
    return sorted(found, key=lambda service: (-_like_score(service, concepts, welsh), service.name))
