"""Clustering scored pairs into persons, keeping apart the people Splink's scores alone would
merge: households, twins, fathers and sons. A record's profile (first and middle names, date
of birth, NI number) must be compatible with every record of the person it joins.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from townhall.records import cleaning


def jaro_winkler(a: str, b: str) -> float:
    """Jaro-Winkler similarity, as DuckDB's jaro_winkler_similarity computes it, so the
    clustering's idea of "similar spelling" is the model's."""
    if a == b:
        return 1.0
    if not a or not b:
        return 0.0
    window = max(max(len(a), len(b)) // 2 - 1, 0)
    a_hit, b_hit = [False] * len(a), [False] * len(b)
    matches = 0
    for i, ca in enumerate(a):
        for j in range(max(0, i - window), min(len(b), i + window + 1)):
            if not b_hit[j] and b[j] == ca:
                a_hit[i] = b_hit[j] = True
                matches += 1
                break
    if not matches:
        return 0.0
    a_chars = [c for c, hit in zip(a, a_hit, strict=True) if hit]
    b_chars = [c for c, hit in zip(b, b_hit, strict=True) if hit]
    half_transpositions = sum(x != y for x, y in zip(a_chars, b_chars, strict=True)) / 2
    jaro = (matches / len(a) + matches / len(b) + (matches - half_transpositions) / matches) / 3
    prefix = 0
    for x, y in zip(a[:4], b[:4], strict=False):
        if x != y:
            break
        prefix += 1
    return jaro + prefix * 0.1 * (1 - jaro)


@dataclass
class Profile:
    """What one record says about who it can be: used to refuse impossible merges."""

    first: str
    middles: tuple[str, ...]
    forms: frozenset[str]
    dob: tuple[int, int, int] | None
    ni: str


def first_names_compatible(a: Profile, b: Profile) -> bool:
    if not a.first or not b.first:
        return True
    if len(a.first) == 1 or len(b.first) == 1:
        return a.first[0] == b.first[0] or a.first in b.middles or b.first in a.middles
    return (
        a.first == b.first
        or bool(a.forms & b.forms)
        or a.first in b.middles
        or b.first in a.middles
        or jaro_winkler(a.first, b.first) >= 0.9
    )


def middle_names_compatible(a: Profile, b: Profile) -> bool:
    """Both give a full first middle name and they disagree: a father and son (or two
    cousins) with one first name, unless one swapped first and middle names."""
    if not a.middles or not b.middles or len(a.middles[0]) == 1 or len(b.middles[0]) == 1:
        return True
    if a.first in b.middles or b.first in a.middles:
        return True
    return a.middles[0] == b.middles[0] or jaro_winkler(a.middles[0], b.middles[0]) >= 0.9


def dobs_compatible(a: Profile, b: Profile) -> bool:
    if a.dob is None or b.dob is None:
        return True
    (ya, ma, da), (yb, mb, db) = a.dob, b.dob
    if (ya, ma, da) == (yb, mb, db) or (ya, ma, da) == (yb, db, mb):
        return True
    return (ya == yb) + (ma == mb) + (da == db) == 2


def profiles_compatible(a: Profile, b: Profile) -> bool:
    """Two records can be one person unless they hold different NI numbers, dates of birth
    that no slip explains (father and son, Jr and Sr), first names that are not forms of
    one another (household members, twins) or different middle names."""
    if a.ni and b.ni:
        return a.ni == b.ni  # the strongest identifier: agreement overrides slips elsewhere
    return first_names_compatible(a, b) and dobs_compatible(a, b) and middle_names_compatible(a, b)


def profile_of(first: str | None, middles: str | None, dob: Any, ni: str | None) -> Profile:
    first = first or ""
    forms = cleaning.nickname_groups().get(first, frozenset()) | ({first} if first else set())
    dob_tuple = (dob.year, dob.month, dob.day) if dob is not None else None
    return Profile(first, tuple((middles or "").split()), frozenset(forms), dob_tuple, ni or "")


@dataclass
class Clustering:
    """Greedy agglomerative clustering with cannot-link constraints: the strongest links
    join first, and two clusters never merge when any record in one cannot be the same
    person as any record in the other. So a record without a first name cannot chain a
    household together, which plain connected components do."""

    profiles: dict[int, Profile]
    cannot: dict[int, set[int]] = field(default_factory=lambda: defaultdict(set))
    parent: dict[int, int] = field(default_factory=dict)
    members: dict[int, list[int]] = field(default_factory=dict)

    def find(self, x: int) -> int:
        root = x
        while self.parent.get(root, root) != root:
            root = self.parent[root]
        while self.parent.get(x, x) != root:
            self.parent[x], x = root, self.parent[x]
        return root

    def _members(self, root: int) -> list[int]:
        return self.members.get(root) or [root]

    def can_merge(self, ra: int, rb: int) -> bool:
        ma, mb = self._members(ra), self._members(rb)
        if len(ma) > len(mb):
            ma, mb = mb, ma
        mb_set = set(mb)
        for x in ma:
            if self.cannot.get(x, set()) & mb_set:
                return False
        # Distinct profiles only: clusters are small, and most members agree with each other.
        pa = {self._key(x): self.profiles[x] for x in ma}
        pb = {self._key(x): self.profiles[x] for x in mb}
        return all(profiles_compatible(a, b) for a in pa.values() for b in pb.values())

    def _key(self, x: int) -> tuple:
        p = self.profiles[x]
        return (p.first, p.middles, p.dob, p.ni)

    def union(self, a: int, b: int, *, force: bool = False) -> bool:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return True
        if not force and not self.can_merge(ra, rb):
            return False
        ma, mb = self._members(ra), self._members(rb)
        if len(ma) < len(mb):
            ra, rb, ma, mb = rb, ra, mb, ma
        self.parent[rb] = ra
        self.members[ra] = ma + mb
        self.members.pop(rb, None)
        return True

    def clusters(self, ids: list[int]) -> dict[int, int]:
        return {x: self.find(x) for x in ids}


def cluster_records(
    ids: list[int],
    profiles: dict[int, Profile],
    edges: list[tuple[float, int, int]],
    same: list[tuple[int, int]],
    different: list[tuple[int, int]],
) -> dict[int, int]:
    """record id -> cluster root. Officers' decisions come first: "same person" pairs are
    joined whatever the model says, "different people" pairs can never end in one cluster."""
    clustering = Clustering(profiles)
    for a, b in different:
        clustering.cannot[a].add(b)
        clustering.cannot[b].add(a)
    for a, b in same:
        clustering.union(a, b, force=True)
    for _, a, b in sorted(edges, reverse=True):
        clustering.union(a, b)
    return clustering.clusters(ids)
