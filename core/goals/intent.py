"""Free text -> one :class:`GoalIntent`: a role, skills, both, a career change, or a vague wish.

The matcher (:mod:`core.matching`) scores the text against goal and skill aliases; this module
decides what the learner *meant*, with the phrases of :mod:`core.goals.vocabulary`:

1. **Career change.**  Work the learner leaves (an origin: "sales", "guru", "nurse") with a cue
   before it ("from", "ex", "mantan", "I'm a") or after it ("to", "switching", "pindah ke"): the
   rest of the text is the destination, read by the steps below, and the origin's skills count
   as held where the goal needs them.  Aiming at the origin's own goal ("guru pengen ngajar pakai
   teknologi") is no change.  A vague destination ("from sales to tech") gets a shortlist, the
   paths people from that work often take first.
2. **Vague.**  Unsure words ("something", "bingung"), a statement of interest ("I like", "suka")
   that names no role, or an interest phrase ("work from home", "kerja di startup") scoring at
   least as well as any goal or skill: a shortlist of 4-6 goals, never a confident plan.
3. **Role.**  A confident goal that scores above the best skill (or level with it, unless the
   learner said "learn"); when the text goes on after an emphasis cue or a comma ("data analyst,
   mostly SQL"), confident skills there are emphasised.  When the next goal scores within
   :data:`CLOSE_MARGIN` and covers as many of the learner's words, the learner is asked.
4. **Skills.**  Confident skills, one or more per part of a list ("python and sql", "html css").
   A skill stated as a job ("become a UX researcher") becomes the goal where it weighs most.
5. Anything else is **unknown**, with the matcher's suggestions as a (non-confident) shortlist.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from core.catalog import Catalog
from core.goals.phrases import PhraseSet, same_word
from core.goals.shortlist import ShortlistItem, shortlist_item
from core.goals.target import EMPHASIS_WEIGHT, GoalTarget
from core.goals.vocabulary import (
    MAX_SHORTLIST,
    MIN_SHORTLIST,
    Cues,
    GoalVocabulary,
    Interest,
    Origin,
    load_goal_vocabulary,
)
from core.matching import CONFIDENT_SCORE, AliasIndex, Match, Matcher, MatchResult, Target, TargetKind
from core.text import MAX_QUERY_CHARS, fold, normalize

TIE_MARGIN = 5.0  # scores this close are level: the one saying more of the learner's words wins
CLOSE_MARGIN = 3.0  # two goals this close (and saying as many words) are a question, not a pick
ORIGIN_CUE_GAP = 2  # words allowed between a "from" cue and the origin ("from my sales job")
HOME_WEIGHT = 0.9  # a skill names a goal only when it is core there (and nowhere else as much)
MIN_LETTERS = 2  # fewer letters than this name nothing
_BOUNDARY = re.compile(r"[,;:!?()\n]+")


class IntentKind(StrEnum):
    ROLE = "role"
    SKILLS = "skills"
    ROLE_AND_SKILLS = "role_and_skills"
    CAREER_CHANGE = "career_change"
    VAGUE = "vague"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class GoalIntent:
    """What a learner's goal statement means, as one value.

    ``skills``: a skill goal's skills, or the skills a role's learner emphasised.  ``transferable``:
    the skills of the work the learner leaves (``origin``), all of them; a plan counts those its
    goal needs.  ``shortlist``: paths to offer when the intent is not ``confident`` (vague, close
    or unknown), best first.
    """

    text: str
    kind: IntentKind
    confident: bool
    goal: str | None = None
    skills: Mapping[str, float] = field(default_factory=dict)
    origin: str | None = None
    transferable: frozenset[str] = frozenset()
    shortlist: tuple[ShortlistItem, ...] = ()
    match: MatchResult | None = None  # the matcher's view of the whole text

    @property
    def target(self) -> GoalTarget | None:
        """What to plan for, when the intent is confident."""
        if not self.confident:
            return None
        return GoalTarget(self.goal, dict(self.skills), self.origin, self.transferable)

    def choose(self, goal_id: str) -> GoalTarget:
        """The target when the learner picks ``goal_id`` from the shortlist (a career change stays one)."""
        return GoalTarget(goal_id, {}, self.origin, self.transferable)


@dataclass(frozen=True)
class _Reading:
    """What one statement (the whole text, or a career change's destination) names."""

    kind: IntentKind
    confident: bool
    goal: str | None = None
    skills: tuple[str, ...] = ()
    shortlist: tuple[str, ...] = ()


def _tokens(text: str) -> tuple[list[str], frozenset[int]]:
    """Folded words, and the positions where a comma-like break starts a new part."""
    tokens: list[str] = []
    breaks: set[int] = set()
    for segment in _BOUNDARY.split(text[: MAX_QUERY_CHARS * 4]):
        words = fold(segment).split()
        if words and tokens:
            breaks.add(len(tokens))
        tokens.extend(words)
    return tokens[:MAX_QUERY_CHARS], frozenset(breaks)


def _covered_words(query_words: Sequence[str], alias: str) -> set[str]:
    """The query's words an alias says (exactly, or a long word nearly)."""
    alias_words = alias.split()
    return {word for word in query_words if any(same_word(word, known) for known in alias_words)}


def _says_whole(query_words: Sequence[str], alias: str) -> bool:
    """Every word of the alias is in the query."""
    return all(any(same_word(word, known) for word in query_words) for known in alias.split())


def _letters(text: str) -> int:
    return sum(ch.isalpha() for ch in text)


@dataclass(frozen=True)
class _Strength:
    """How well a goal, skill or interest fits: its score, then how many of the learner's words it says."""

    score: float
    words: int

    @classmethod
    def of(cls, match: Match | None, query_words: Sequence[str]) -> _Strength:
        if match is None:
            return cls(0.0, 0)
        return cls(match.score, len(_covered_words(query_words, match.alias)))

    @property
    def confident(self) -> bool:
        return self.score >= CONFIDENT_SCORE

    def beats(self, other: _Strength) -> bool:
        """Clearly higher, or level (within :data:`TIE_MARGIN`) and saying more of the learner's words."""
        if abs(self.score - other.score) <= TIE_MARGIN:
            return (self.words, self.score) > (other.words, other.score)
        return self.score > other.score


def _strongest_first(matches: Sequence[Match], query_words: Sequence[str]) -> list[Match]:
    """``matches`` reordered so each comes before every match it beats (score, then words said)."""
    ordered: list[Match] = []
    for match in matches:
        strength = _Strength.of(match, query_words)
        place = next(
            (i for i, other in enumerate(ordered) if strength.beats(_Strength.of(other, query_words))),
            len(ordered),
        )
        ordered.insert(place, match)
    return ordered


@dataclass(frozen=True)
class _Cues:
    """The cue phrases, ready to search."""

    change_from: PhraseSet
    change_to: PhraseSet
    interest: PhraseSet
    wish: PhraseSet
    unsure: PhraseSet
    learn: PhraseSet
    role: PhraseSet
    emphasis: PhraseSet
    purpose: PhraseSet
    separators: PhraseSet

    @classmethod
    def of(cls, cues: Cues | None) -> _Cues:
        return cls(
            **{
                name: PhraseSet(getattr(cues, name).all() if cues is not None else ())
                for name in cls.__dataclass_fields__
            }
        )


class GoalReader:
    """Reads goal statements against one catalog and its goal vocabulary."""

    def __init__(self, catalog: Catalog, vocabulary: GoalVocabulary, matcher: Matcher | None = None) -> None:
        self.catalog = catalog
        self.matcher = matcher or Matcher(catalog)
        self.origins = {origin.id: origin for origin in vocabulary.origins}
        self.interests = {interest.id: interest for interest in vocabulary.interests}
        self.fallback = vocabulary.fallback
        self.cues = _Cues.of(vocabulary.cues)
        self._origins = {
            tuple(fold(alias).split()): origin
            for origin in vocabulary.origins
            for alias in origin.aliases.all()
        }
        self._origin_phrases = PhraseSet((" ".join(phrase) for phrase in self._origins), fuzzy=True)
        self._interest_index = AliasIndex(
            (Target(TargetKind.INTEREST, interest.id), alias)
            for interest in vocabulary.interests
            if not interest.fallback
            for alias in interest.aliases.all()
        )
        self._home = self._skill_homes(catalog)
        self._items = {goal_id: shortlist_item(catalog, goal_id) for goal_id in catalog.goals}

    @classmethod
    def for_catalog(cls, catalog: Catalog, directory: Path, matcher: Matcher | None = None) -> GoalReader:
        """A reader with the vocabulary under ``directory`` (a catalog directory)."""
        return cls(catalog, load_goal_vocabulary(directory, catalog), matcher)

    @staticmethod
    def _skill_homes(catalog: Catalog) -> dict[str, str]:
        """Skill -> the one goal where it is core and weighs more than anywhere else."""
        weights: dict[str, list[tuple[float, str]]] = {}
        for goal in catalog.goals.values():
            for skill, weight in goal.skills.items():
                weights.setdefault(skill, []).append((weight, goal.id))
        homes = {}
        for skill, ranked in weights.items():
            ranked.sort(reverse=True)
            top_weight, top_goal = ranked[0]
            if top_weight >= HOME_WEIGHT and (len(ranked) == 1 or ranked[1][0] < top_weight):
                homes[skill] = top_goal
        return homes

    def read(self, text: str) -> GoalIntent:
        """What ``text`` means as a goal (see the module docstring for the order of the steps)."""
        tokens, breaks = _tokens(text)
        match = self.matcher.match(" ".join(tokens))
        change = self._career_change(tokens)
        origin, reading = change if change is not None else (None, self._statement(tokens, breaks))
        return GoalIntent(
            text=text,
            kind=IntentKind.CAREER_CHANGE if origin is not None else reading.kind,
            confident=reading.confident,
            goal=reading.goal,
            skills=dict.fromkeys(reading.skills, EMPHASIS_WEIGHT),
            origin=origin.id if origin else None,
            transferable=frozenset(origin.skills) if origin else frozenset(),
            shortlist=tuple(self._items[goal_id] for goal_id in reading.shortlist),
            match=match,
        )

    # -- career changes -------------------------------------------------------------------------

    def _career_change(self, tokens: Sequence[str]) -> tuple[Origin, _Reading] | None:
        found = self._origin_phrases.find(tokens)
        if not found:
            return None
        start, end, phrase = min(found, key=lambda span: (span[0] - span[1], span[0]))  # longest, then first
        origin = self._origins[phrase]
        before, after = tokens[:start], tokens[end:]
        cue_before = any(
            start - ORIGIN_CUE_GAP <= stop <= start for _, stop, _ in self.cues.change_from.find(before)
        )
        cues_after = self.cues.change_to.starts(after)
        if not cue_before and not cues_after:
            return None
        destination = self.cues.change_to.without(after[cues_after[0] :] if cues_after else after)
        if not destination:  # "want to become a UX designer, currently a teacher"
            destination = self.cues.change_to.without(self.cues.change_from.without(before))
        reading = self._statement(destination, frozenset(), origin=origin)
        if reading.confident and reading.goal is not None and reading.goal == origin.home_goal:
            return None  # a teacher who wants to teach with digital tools: the goal itself, no change
        return origin, reading

    # -- one statement --------------------------------------------------------------------------

    def _statement(
        self, tokens: Sequence[str], breaks: frozenset[int], *, origin: Origin | None = None
    ) -> _Reading:
        normalized = normalize(" ".join(tokens))
        if _letters(normalized) < MIN_LETTERS:
            return (
                self._vague(None, None, origin) if origin is not None else _Reading(IntentKind.UNKNOWN, False)
            )
        purpose = [start for start in self.cues.purpose.starts(tokens) if start > 0]
        if purpose and origin is None:  # "build websites for small businesses": the goal comes first
            head = self._statement(tokens[: purpose[0]], frozenset(b for b in breaks if b < purpose[0]))
            if head.confident:
                return head
        result = self.matcher.match(normalized, limit=10)
        words = normalized.split()
        goals = _strongest_first([m for m in result.goals if m.score >= CONFIDENT_SCORE], words)
        goal = _Strength.of(goals[0] if goals else None, words)
        skills = _strongest_first([m for m in result.skills if m.score >= CONFIDENT_SCORE], words)
        skill = _Strength.of(skills[0] if skills else None, words)
        interest = self._interest(normalized, words)
        learn = self.cues.learn.occurs_in(tokens)
        role = self.cues.role.occurs_in(tokens) or origin is not None
        interested = self.cues.interest.occurs_in(self.cues.wish.without(tokens))
        if self.cues.unsure.occurs_in(tokens) or (interested and not (role and goal.confident)):
            return self._vague(result, interest, origin)
        if interest is not None and interest[1].beats(goal) and interest[1].beats(skill):
            return self._vague(result, interest, origin)
        if goal.confident and (goal.beats(skill) or role or (not skill.beats(goal) and not learn)):
            return self._role(tokens, breaks, result)
        if skill.confident:
            home = self._home.get(skills[0].id)
            if role and home is not None and (origin is not None or not learn):
                return _Reading(IntentKind.ROLE, True, goal=home)
            return self._skills(tokens, breaks)
        if origin is not None:
            return self._vague(result, None, origin)
        return _Reading(
            IntentKind.UNKNOWN, False, shortlist=tuple(m.id for m in result.goals[:MAX_SHORTLIST])
        )

    def _interest(self, normalized: str, words: Sequence[str]) -> tuple[Interest, _Strength] | None:
        """The strongest interest named in the text (never the fallback), if confident."""
        scores = self._interest_index.score_targets(normalized)
        ranked = sorted((-score, target.id, alias) for target, (score, alias) in scores.items())
        if not ranked or -ranked[0][0] < CONFIDENT_SCORE:
            return None
        score, interest_id, alias = ranked[0]
        return self.interests[interest_id], _Strength(-score, len(_covered_words(words, alias)))

    def _vague(
        self,
        result: MatchResult | None,
        interest: tuple[Interest, _Strength] | None,
        origin: Origin | None,
    ) -> _Reading:
        """A shortlist: goals the text names more plainly than its interest, then the interest's paths
        (an origin's usual moves first); without either, the nearest goals, or the origin's moves."""
        words = result.normalized.split() if result is not None else []
        named = [
            m.id
            for m in (result.goals if result is not None else [])
            if m.score >= CONFIDENT_SCORE and (interest is None or _Strength.of(m, words).beats(interest[1]))
        ]
        goals = named + list(interest[0].goals if interest else ())
        if not goals and result is not None:
            goals = [m.id for m in result.goals] + [
                self._home[m.id] for m in result.skills if m.score >= CONFIDENT_SCORE and m.id in self._home
            ]
        if origin is not None:
            usual = [goal for goal in goals if goal in origin.moves_to]
            goals = [*usual, *goals] if goals else list(origin.moves_to)
        chosen = list(dict.fromkeys(goal for goal in goals if goal in self.catalog.goals))
        if len(chosen) < MIN_SHORTLIST and self.fallback is not None:
            chosen += [goal for goal in self.fallback.goals if goal not in chosen]
        return _Reading(IntentKind.VAGUE, False, shortlist=tuple(chosen[:MAX_SHORTLIST]))

    # -- roles and skills -----------------------------------------------------------------------

    def _role(self, tokens: Sequence[str], breaks: frozenset[int], result: MatchResult) -> _Reading:
        head, tail = self._split_emphasis(tokens, breaks)
        head_result = self.matcher.match(normalize(" ".join(head)), limit=10) if tail else None
        if head_result is not None and head_result.best_goal is not None:
            result = head_result
        else:
            tail = []  # no role before the cue: the cue was part of the goal ("work with data")
        words = result.normalized.split()
        ranked = _strongest_first([m for m in result.goals if m.score >= CONFIDENT_SCORE], words)
        top, top_words = ranked[0], len(_covered_words(words, ranked[0].alias))
        close = [
            m.id
            for m in ranked[1:]
            if m.score >= top.score - CLOSE_MARGIN and len(_covered_words(words, m.alias)) >= top_words
        ]
        if close:
            return _Reading(IntentKind.ROLE, False, shortlist=(top.id, *close[: MAX_SHORTLIST - 1]))
        emphasis = tuple(self._skills_in(tail, whole_only=True))
        kind = IntentKind.ROLE_AND_SKILLS if emphasis else IntentKind.ROLE
        return _Reading(kind, True, goal=top.id, skills=emphasis)

    def _split_emphasis(self, tokens: Sequence[str], breaks: frozenset[int]) -> tuple[list[str], list[str]]:
        """The main part and what the learner focuses on (after "mostly", "with", a comma...)."""
        cuts = [start for start in self.cues.emphasis.starts(tokens) if start > 0]
        cuts += [position for position in breaks if position > 0]
        if not cuts:
            return list(tokens), []
        cut = min(cuts)
        return list(tokens[:cut]), self.cues.emphasis.without(tokens[cut:])

    def _skills(self, tokens: Sequence[str], breaks: frozenset[int]) -> _Reading:
        head, tail = self._split_emphasis(tokens, breaks)
        if tail and self._skills_in(head):  # "graphic design with canva": Canva is the means
            tokens, breaks = head, frozenset(b for b in breaks if b < len(head))
        separators = {i for start, end, _ in self.cues.separators.find(tokens) for i in range(start, end)}
        parts: list[list[str]] = [[]]
        for index, token in enumerate(tokens):
            if (index in breaks or index in separators) and parts[-1]:
                parts.append([])
            if index not in separators:
                parts[-1].append(token)
        skills = tuple(dict.fromkeys(skill for part in parts for skill in self._skills_in(part)))
        return (
            _Reading(IntentKind.SKILLS, True, skills=skills)
            if skills
            else _Reading(IntentKind.UNKNOWN, False)
        )

    def _skills_in(self, tokens: Sequence[str], *, whole_only: bool = False) -> list[str]:
        """Confident skills a part names: the strongest, then others saying only words it does not.

        ``whole_only``: every skill's alias must be said whole (an emphasis names skills plainly).
        """
        normalized = normalize(" ".join(tokens))
        if _letters(normalized) < MIN_LETTERS:
            return []
        words = normalized.split()
        confident = [m for m in self.matcher.match(normalized, limit=10).skills if m.score >= CONFIDENT_SCORE]
        chosen: list[str] = []
        covered: set[str] = set()
        for found in _strongest_first(confident, words):
            said = _covered_words(words, found.alias)
            if (whole_only or chosen) and not _says_whole(words, found.alias):
                continue
            if chosen and (not said or said & covered):
                continue
            chosen.append(found.id)
            covered |= said
        return chosen
