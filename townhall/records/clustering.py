"""Clustering scored pairs into persons, keeping apart the people Splink's scores alone would
merge: households, twins, fathers and sons. A record's profile (first and middle names, date
of birth, NI number) must be compatible with every record of the person it joins.
"""

import math
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from townhall.records import cleaning

# Links at or above CLUSTER join records into one person (vague records: see _vague_attach).
CLUSTER = 0.7
# A vague record with several fitting people joins the likeliest only when its link is this
# many bits (a factor of 2**bits) stronger than the next one's.
DOMINANCE_BITS = 5.0


def _weight(probability: float) -> float:
    probability = min(max(probability, 1e-12), 1 - 1e-12)
    return math.log2(probability / (1 - probability))


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
    sex: str = ""  # from the title ("m" for Mr, "f" for Mrs, Ms, Miss), else unknown

    @property
    def vague(self) -> bool:
        """Says too little to pick one of several people at an address: no date of birth, no
        NI number, and a first name that is an initial or missing (the electoral roll's and
        council tax's usual entry)."""
        return len(self.first) < 2 and self.dob is None and not self.ni


def name_initials(p: Profile) -> set[str]:
    """First letters of every name the record gives: first name, its forms, middle names."""
    return {n[0] for n in (p.first, *p.forms, *p.middles) if n}


def first_names_compatible(a: Profile, b: Profile) -> bool:
    if not a.first or not b.first:
        return True
    if len(a.first) == 1 or len(b.first) == 1:
        # An initial stands for the first name, a formal form of it (R for Becky), or a
        # middle name the person also goes by (F H for Freddie Harry, known as Harry).
        return bool(name_initials(a) & name_initials(b))
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
    if not a.middles or not b.middles:
        return True
    if a.first in b.middles or b.first in a.middles:
        return True
    if len(a.middles[0]) == 1 or len(b.middles[0]) == 1:  # an initial: it must agree
        return a.middles[0][0] == b.middles[0][0] or bool(
            {m[0] for m in a.middles} & {m[0] for m in b.middles}
        )
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
    if a.sex and b.sex and a.sex != b.sex:
        return False  # Mr and Mrs J Smith at one address: a couple, not one person
    return first_names_compatible(a, b) and dobs_compatible(a, b) and middle_names_compatible(a, b)


TITLE_SEX = {"mr": "m", "mrs": "f", "ms": "f", "miss": "f"}


def profile_of(
    first: str | None, middles: str | None, dob: Any, ni: str | None, title: str | None = None
) -> Profile:
    first = first or ""
    forms = cleaning.nickname_groups().get(first, frozenset()) | ({first} if first else set())
    dob_tuple = (dob.year, dob.month, dob.day) if dob is not None else None
    sex = TITLE_SEX.get((title or "").strip(".").lower(), "")
    return Profile(
        first, tuple((middles or "").split()), frozenset(forms), dob_tuple, ni or "", sex
    )


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
        return (p.first, p.middles, p.dob, p.ni, p.sex)

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


def _vague_attach(
    clustering: Clustering,
    vague_edges: list[tuple[float, int, int]],
    housemates: list[tuple[int, int]],
    threshold: float,
) -> None:
    """A vague record (see Profile.vague) joins a person only when exactly one known person
    (a cluster with a record that is not vague) at its address fits it, and a scored link
    supports it; with two or more fitting (father and son "J Smith", a nameless entry among
    three Smiths) it stays alone, for review. So no vague record chains a household."""
    profiles = clustering.profiles
    best: dict[int, dict[int, float]] = defaultdict(dict)  # vague record -> other -> prob
    for probability, a, b in vague_edges:
        for v, other in ((a, b), (b, a)):
            if profiles[v].vague and probability > best[v].get(other, -1.0):
                best[v][other] = probability
    around: dict[int, set[int]] = defaultdict(set)
    for a, b in housemates:
        if profiles[a].vague:
            around[a].add(b)
        if profiles[b].vague:
            around[b].add(a)

    def known(root: int) -> bool:
        return any(not profiles[m].vague for m in clustering._members(root))

    def fits_person(v: int, root: int) -> bool:
        """v may be this person: no officer said otherwise, no title of the other sex, and
        its initials are among the names the person's records give (one record may use the
        first name, another the middle name: all of them together say who the person is)."""
        members = clustering._members(root)
        if clustering.cannot.get(v, set()) & set(members):
            return False
        p = profiles[v]
        if p.sex and any(profiles[m].sex and profiles[m].sex != p.sex for m in members):
            return False
        names: set[str] = set()
        for m in members:
            names |= name_initials(profiles[m])
        if p.first and p.first[0] not in names:
            return False
        # A middle initial must agree when the person's records give middle names at all.
        has_middles = any(profiles[m].middles for m in members)
        return not (p.middles and has_middles and p.middles[0][0] not in names)

    deferred: list[tuple[float, int, int]] = []
    order = sorted(best, key=lambda v: -max(best[v].values()))
    for v in order:
        mine = clustering.find(v)
        if len(clustering._members(mine)) > 1:
            continue  # placed already (an officer's decision, or another vague record's)
        # A person fits when no record of theirs clashes with v and the model scored a link
        # to one of them (a housemate it scored below `threshold` has evidence against).
        fits: dict[int, float] = {}
        for other, probability in best[v].items():
            root = clustering.find(other)
            if root == mine or not known(root) or not fits_person(v, root):
                continue
            # Below CLUSTER a link counts only with a full surname and the address agreeing.
            if probability < CLUSTER and other not in around[v]:
                probability = threshold - 1.0
            fits[root] = max(fits.get(root, -1.0), probability)
        ranked = sorted(fits.items(), key=lambda item: -item[1])
        if len(ranked) == 1 and ranked[0][1] >= threshold:
            clustering.union(mine, ranked[0][0], force=True)
        elif len(ranked) > 1 and ranked[0][1] >= CLUSTER:
            # Several fit, but other evidence (a phone, an email, a middle name) makes one
            # far likelier than the next: the Bayes factor between the two decides.
            if _weight(ranked[0][1]) - _weight(ranked[1][1]) >= DOMINANCE_BITS:
                clustering.union(mine, ranked[0][0], force=True)
        elif not fits:
            deferred += [(p, v, o) for o, p in best[v].items() if profiles[o].vague]
    # Vague records of someone no other system knows: joined to each other only.
    for probability, a, b in sorted(deferred, reverse=True):
        if probability >= threshold and not (
            known(clustering.find(a)) or known(clustering.find(b))
        ):
            clustering.union(a, b)


def cluster_records(
    ids: list[int],
    profiles: dict[int, Profile],
    edges: list[tuple[float, int, int]],
    same: list[tuple[int, int]],
    different: list[tuple[int, int]],
    housemates: list[tuple[int, int]] | None = None,
    vague_threshold: float = 0.5,
) -> dict[int, int]:
    """record id -> cluster root. Officers' decisions come first: "same person" pairs are
    joined whatever the model says, "different people" pairs can never end in one cluster.
    Then the strongest links between records that say who they are; vague records last, to
    the one person at their address they can be (`housemates`: pairs at one address with
    one surname; `edges` may hold links down to `vague_threshold` for them)."""
    clustering = Clustering(profiles)
    for a, b in different:
        clustering.cannot[a].add(b)
        clustering.cannot[b].add(a)
    for a, b in same:
        clustering.union(a, b, force=True)
    vague_edges: list[tuple[float, int, int]] = []
    for probability, a, b in sorted(edges, reverse=True):
        if profiles[a].vague or profiles[b].vague:
            vague_edges.append((probability, a, b))
        else:
            clustering.union(a, b)
    _vague_attach(clustering, vague_edges, housemates or [], vague_threshold)
    return clustering.clusters(ids)
