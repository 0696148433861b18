"""Free text -> ranked goals, skills and courses, with honest confidence.

How a query is matched
----------------------
Every name and alias is normalized once (:func:`core.catalog.text.normalize`) and stored in an
:class:`AliasIndex`.  A query is normalized the same way and then:

1. **Prefilter by tokens.**  Each query token is looked up in the index's vocabulary: exactly,
   and, for tokens of 4+ letters, fuzzily with ``fuzz.ratio`` (a cheap bit-parallel scorer over
   a vocabulary that grows much slower than the alias list).  The aliases containing any of
   those tokens are the candidates.  This is what keeps matching fast as the taxonomy grows:
   the expensive scorer runs on a few dozen candidates instead of every alias.
2. **Score the candidates** with ``fuzz.WRatio`` (token-aware: it takes the best of plain,
   token-sort, token-set and partial comparisons), the scorer a brute-force scan would use, so
   the prefilter changes speed, not answers (the matching benchmark checks the top-1 agrees).
3. **Weigh by alias coverage.**  WRatio forgives a lot ("backend dev" scores 85 against "frontend
   dev with react" through a partial match), so each score is scaled by how much the two share:
   ``score x (0.6 + 0.4 x coverage)``, where coverage is the larger of the share of the alias's
   words found (exactly or fuzzily) in the query and the share of the query's words found in the
   alias.  An alias fully present in the query, or a query fully inside an alias, keeps its
   score; one sharing a single word out of two drops well below the confidence bar.  The word
   matches come for free from step 1.
4. **Aggregate per target** (best alias per goal, skill or course), drop aliases of 3 letters or
   fewer unless they are a whole word of the query ("bi" must not match inside "bikin"), and
   sort by score, then kind, then id, so equal scores always come out in the same order.

A result is *confident* only when its best score reaches :data:`CONFIDENT_SCORE`; below that the
caller must ask, showing the suggestions, and never pick silently.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum

from rapidfuzz import fuzz, process

from core.catalog import Catalog
from core.catalog.text import normalize

CONFIDENT_SCORE = 85.0
SUGGESTION_SCORE = 55.0
FUZZY_TOKEN_SCORE = 80.0
MIN_FUZZY_TOKEN_LENGTH = 3
SHORT_ALIAS_LENGTH = 3
MIN_QUERY_LETTERS = 2
COVERAGE_FLOOR = 0.6  # an alias none of whose words appear keeps 60% of its WRatio score


class TargetKind(StrEnum):
    GOAL = "goal"
    SKILL = "skill"
    COURSE = "course"
    PROVIDER = "provider"
    PATHWAY = "pathway"
    INTEREST = "interest"  # a statement of interest (core.goals): "work from home", "suka gambar"


# find_courses weighs each way a course can match: its title counts fully, its pathway, provider
# and skills a little less; a course matching on two facets ("coursera sql") gets a share of the
# second facet on top, so it ranks above courses matching on one.
FACET_WEIGHTS = {
    TargetKind.COURSE: 1.0,
    TargetKind.PATHWAY: 0.95,
    TargetKind.PROVIDER: 0.9,
    TargetKind.SKILL: 0.9,
}
SECOND_FACET_SHARE = 0.15


@dataclass(frozen=True, order=True)
class Target:
    kind: TargetKind
    id: str


@dataclass(frozen=True)
class Match:
    """One ranked target with its score (0-100) and the alias that matched best."""

    kind: TargetKind
    id: str
    score: float
    alias: str


class MatchStatus(StrEnum):
    CONFIDENT = "confident"  # best score >= CONFIDENT_SCORE
    UNSURE = "unsure"  # only suggestions: ask the learner
    NO_MATCH = "no_match"  # nothing worth suggesting
    TOO_SHORT = "too_short"  # empty, emoji-only, a single letter...


@dataclass(frozen=True)
class MatchResult:
    query: str
    normalized: str
    status: MatchStatus
    goals: list[Match] = field(default_factory=list)
    skills: list[Match] = field(default_factory=list)

    @property
    def goal_status(self) -> MatchStatus:
        """How well the goals alone matched (a confident skill does not make a goal confident)."""
        return _status_of(self.status, self.goals)

    @property
    def skill_status(self) -> MatchStatus:
        return _status_of(self.status, self.skills)

    @property
    def best_goal(self) -> Match | None:
        """The goal to propose, only when confident (never a silent poor match)."""
        if self.goals and self.goals[0].score >= CONFIDENT_SCORE:
            return self.goals[0]
        return None


def _status_of(overall: MatchStatus, matches: list[Match]) -> MatchStatus:
    if overall is MatchStatus.TOO_SHORT:
        return overall
    if matches and matches[0].score >= CONFIDENT_SCORE:
        return MatchStatus.CONFIDENT
    return MatchStatus.UNSURE if matches else MatchStatus.NO_MATCH


class AliasIndex:
    """Normalized aliases of many targets, with a token index for prefiltering."""

    def __init__(self, entries: Iterable[tuple[Target, str]]) -> None:
        self.aliases: list[str] = []
        self.alias_words: list[frozenset[str]] = []
        self.targets: list[Target] = []
        seen: set[tuple[Target, str]] = set()
        postings: dict[str, list[int]] = defaultdict(list)
        for target, text in entries:
            alias = normalize(text)
            if not alias or (target, alias) in seen:
                continue
            seen.add((target, alias))
            position = len(self.aliases)
            self.aliases.append(alias)
            self.alias_words.append(frozenset(alias.split()))
            self.targets.append(target)
            for token in set(alias.split()):
                postings[token].append(position)
        self._postings = dict(postings)
        self._vocabulary = sorted(self._postings)

    def __len__(self) -> int:
        return len(self.aliases)

    def _matching_tokens(self, token: str) -> list[str]:
        found = [token] if token in self._postings else []
        if len(token) >= MIN_FUZZY_TOKEN_LENGTH:
            similar = process.extract(
                token, self._vocabulary, scorer=fuzz.ratio, score_cutoff=FUZZY_TOKEN_SCORE, limit=None
            )
            found.extend(word for word, _score, _index in similar if word != token)
        return found

    def candidates(self, query: str) -> tuple[list[int], dict[str, set[str]]]:
        """Aliases sharing an (approximately) equal word with the query, and, per query word,
        the vocabulary words it matched."""
        positions: set[int] = set()
        words: dict[str, set[str]] = {}
        for token in set(query.split()):
            words[token] = set(self._matching_tokens(token))
            for word in words[token]:
                positions.update(self._postings[word])
        return sorted(positions), words

    def best_aliases(self, query: str, limit: int) -> list[tuple[str, float, int]]:
        """Top ``limit`` (alias, WRatio score, position) among the prefiltered candidates."""
        positions, _ = self.candidates(query)
        choices = {position: self.aliases[position] for position in positions}
        return process.extract(query, choices, scorer=fuzz.WRatio, processor=None, limit=limit)

    def score_targets(self, query: str) -> dict[Target, tuple[float, str]]:
        """Best (score, alias) per target, with short aliases counted only as whole words.

        Of a target's aliases scoring the same, the one saying more of the query's words exactly is
        kept ("sell stuff online" rather than "online seller" for "sell handmade stuff online"), so
        callers weighing how much of the text a match explains see the fuller alias.
        """
        query_words = set(query.split())
        best: dict[Target, tuple[float, int, str]] = {}
        positions, matches = self.candidates(query)
        matched_words = set().union(*matches.values()) if matches else set()
        for position in positions:
            alias = self.aliases[position]
            if len(alias) <= SHORT_ALIAS_LENGTH and alias not in query_words:
                continue
            alias_words = self.alias_words[position]
            alias_share = len(alias_words & matched_words) / len(alias_words)
            query_share = sum(bool(found & alias_words) for found in matches.values()) / len(matches)
            coverage = max(alias_share, query_share)
            said = len(alias_words & query_words)  # ties go to the alias saying more words exactly
            score = fuzz.WRatio(query, alias, processor=None) * (
                COVERAGE_FLOOR + (1 - COVERAGE_FLOOR) * coverage
            )
            target = self.targets[position]
            if (score, said) > best.get(target, (-1.0, 0, ""))[:2]:
                best[target] = (score, said, alias)
        return {target: (score, alias) for target, (score, _, alias) in best.items()}


def _ranked(
    scores: dict[Target, tuple[float, str]], kind: TargetKind, minimum: float, limit: int
) -> list[Match]:
    matches = [
        Match(t.kind, t.id, round(score, 1), alias)
        for t, (score, alias) in scores.items()
        if t.kind is kind and score >= minimum
    ]
    matches.sort(key=lambda m: (-m.score, m.id))
    return matches[:limit]


def _too_short(normalized: str) -> bool:
    return sum(ch.isalpha() for ch in normalized) < MIN_QUERY_LETTERS


class Matcher:
    """Goals, skills and courses of one catalog, ready for fuzzy lookups."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        self.goals_and_skills = AliasIndex(self._goal_and_skill_entries(catalog))
        self.courses = AliasIndex(self._course_entries(catalog))
        self._courses_by_name: dict[str, list[str]] = defaultdict(list)  # provider/platform/pathway -> ids
        self._courses_by_title: dict[str, list[str]] = defaultdict(list)  # normalized title -> ids
        for course in catalog.courses.values():
            self._courses_by_title[normalize(course.title)].append(course.id)
            for name in dict.fromkeys((course.provider, course.platform, catalog.pathway_name(course.id))):
                if name:
                    self._courses_by_name[name].append(course.id)

    @staticmethod
    def _goal_and_skill_entries(catalog: Catalog) -> Iterable[tuple[Target, str]]:
        for goal in catalog.goals.values():
            target = Target(TargetKind.GOAL, goal.id)
            for text in (goal.id.replace("-", " "), goal.name.en, goal.name.id, *goal.aliases.all()):
                yield target, text
        for skill in catalog.skills.values():
            target = Target(TargetKind.SKILL, skill.id)
            for text in (skill.id.replace("-", " "), skill.name.en, skill.name.id, *skill.aliases.all()):
                yield target, text

    @staticmethod
    def _course_entries(catalog: Catalog) -> Iterable[tuple[Target, str]]:
        for course in catalog.courses.values():
            target = Target(TargetKind.COURSE, course.id)
            yield target, course.title
            yield target, f"{course.provider} {course.title}"
        for pathway in catalog.pathways.values():
            yield Target(TargetKind.PATHWAY, pathway.name), pathway.name
        for provider in {course.provider for course in catalog.courses.values()} | {
            course.platform for course in catalog.courses.values()
        }:
            yield Target(TargetKind.PROVIDER, provider), provider

    def match(self, text: str, *, limit: int = 5) -> MatchResult:
        """Ranked goals and skills for a learner's free text."""
        normalized = normalize(text)
        if _too_short(normalized):
            return MatchResult(text, normalized, MatchStatus.TOO_SHORT)
        scores = self.goals_and_skills.score_targets(normalized)
        goals = _ranked(scores, TargetKind.GOAL, SUGGESTION_SCORE, limit)
        skills = _ranked(scores, TargetKind.SKILL, SUGGESTION_SCORE, limit)
        top = max((m.score for m in [*goals[:1], *skills[:1]]), default=0.0)
        if top >= CONFIDENT_SCORE:
            status = MatchStatus.CONFIDENT
        elif goals or skills:
            status = MatchStatus.UNSURE
        else:
            status = MatchStatus.NO_MATCH
        return MatchResult(text, normalized, status, goals, skills)

    def find_pathways(self, text: str, *, limit: int = 2) -> list[str]:
        """Certificates (pathways) ``text`` names: every word of it in the pathway's name, at least
        two words ("google data analytics" is the Google Data Analytics Professional Certificate),
        the closest first (fewest words left over).  A learner who says they finished one means all
        of its courses, which a course search alone would never offer."""
        wanted = set(normalize(text).split())
        if len(wanted) < 2:
            return []
        found: list[tuple[int, str]] = []
        for pathway in self.catalog.pathways.values():
            words = set(normalize(pathway.name).split())
            if wanted <= words:
                found.append((len(words - wanted), pathway.id))
        return [pathway_id for _, pathway_id in sorted(found)[:limit]]

    def find_courses(self, text: str, *, limit: int = 10) -> list[Match]:
        """Courses by title, pathway, provider or skill ("python", "google data", "coursera sql")."""
        normalized = normalize(text)
        if _too_short(normalized):
            return []
        facets: dict[str, dict[TargetKind, tuple[float, str]]] = defaultdict(dict)

        def offer(course_id: str, kind: TargetKind, score: float, alias: str) -> None:
            if score > facets[course_id].get(kind, (-1.0, ""))[0]:
                facets[course_id][kind] = (score, alias)

        for target, (score, alias) in self.courses.score_targets(normalized).items():
            if target.kind is TargetKind.COURSE:
                offer(target.id, TargetKind.COURSE, score, alias)
                continue
            for course_id in self._courses_by_name.get(target.id, ()):
                offer(course_id, target.kind, score, alias)
        skill_scores = self.goals_and_skills.score_targets(normalized)
        for target, (score, alias) in skill_scores.items():
            if target.kind is TargetKind.SKILL and score >= CONFIDENT_SCORE:
                for course in self.catalog.courses_by_skill.get(target.id, ()):
                    offer(course.id, TargetKind.SKILL, score, alias)
        ranked: list[tuple[float, Match]] = []
        for course_id, found in facets.items():
            weighted = sorted(
                ((score * FACET_WEIGHTS[kind], alias) for kind, (score, alias) in found.items()), reverse=True
            )
            total = weighted[0][0] + (SECOND_FACET_SHARE * weighted[1][0] if len(weighted) > 1 else 0.0)
            if total >= SUGGESTION_SCORE:  # sorted on the uncapped total, shown capped at 100
                ranked.append(
                    (total, Match(TargetKind.COURSE, course_id, round(min(total, 100.0), 1), weighted[0][1]))
                )
        exact = set(self._courses_by_title.get(normalized, ()))  # the learner typed its title: it comes first
        ranked.sort(key=lambda pair: (pair[1].id not in exact, -pair[0], pair[1].id))
        return [match for _, match in ranked[:limit]]
