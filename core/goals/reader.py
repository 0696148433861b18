"""Free text -> one :class:`GoalIntent`: a role, skills, both, a career change, or a vague wish.

The matcher (:mod:`core.catalog.matching`) scores the text against goal and skill aliases; the reader
decides what the learner *meant*, with the phrases of :mod:`core.goals.vocabulary`, in this order:

1. **Career change.**  Work the learner leaves (an origin: "sales", "guru", "nurse") with a cue
   just before it ("from", "ex", "mantan", "I'm a") or after it ("to", "switching", "pindah"):
   what follows the cue is the destination, read by the steps below, and the origin's skills
   count as held where the goal needs them.  Aiming at the origin's own goal ("guru pengen ngajar
   pakai teknologi") is no change.  A vague destination ("from sales to tech") gets a shortlist,
   the paths people from that work often take first.
2. **Vague.**  Unsure words ("something", "bingung"), a statement of interest ("I like", "suka")
   that names no role, or an interest phrase ("work from home", "kerja di startup") that fits
   better than any goal or skill (:class:`~core.goals.fit.Fit`): 4-6 paths, never a confident plan.
3. **Role.**  A confident goal that fits better than the best skill (or as well, unless the
   learner said "learn"), or any confident goal when the text speaks of a job ("become", "job",
   "analyst").  Text after an emphasis cue or a comma ("data analyst, mostly SQL") names skills to
   emphasise; text after a purpose cue ("...for small businesses") is left aside.  Goals that fit
   equally well are a question for the learner.
4. **Skills.**  Confident skills, one or more per part of a list ("python and sql", "html css").
   A skill stated as a job ("become a UX researcher") becomes the goal where it weighs most.
5. Anything else is **unknown**, with the matcher's suggestions as a (non-confident) shortlist.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from core.catalog import Catalog
from core.catalog.matching import CONFIDENT_SCORE, AliasIndex, Match, Matcher, MatchResult, Target, TargetKind
from core.catalog.text import MAX_QUERY_CHARS, fold, normalize
from core.goals.fit import Fit, covered_words, says_whole, strongest_first
from core.goals.intent import GoalIntent, IntentKind
from core.goals.phrases import PhraseSet
from core.goals.shortlist import ShortlistItem, shortlist_item
from core.goals.target import EMPHASIS_WEIGHT
from core.goals.vocabulary import (
    MAX_SHORTLIST,
    MIN_SHORTLIST,
    Cues,
    GoalVocabulary,
    Interest,
    Origin,
    load_goal_vocabulary,
)

ORIGIN_CUE_GAP = 2  # words allowed between a "from" cue and the origin ("from my sales job")
HOME_WEIGHT = 0.9  # a skill names a goal only when it is core there (and nowhere else as much)
MIN_LETTERS = 2  # fewer letters than this name nothing
MATCH_LIMIT = 10
_BREAK = re.compile(r"[,;:!?()\n]+")


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
    for segment in _BREAK.split(text[: MAX_QUERY_CHARS * 4]):
        words = fold(segment).split()
        if words and tokens:
            breaks.add(len(tokens))
        tokens.extend(words)
    return tokens[:MAX_QUERY_CHARS], frozenset(breaks)


def _letters(text: str) -> int:
    return sum(ch.isalpha() for ch in text)


@dataclass(frozen=True)
class _Cues:
    """The cue phrases of :class:`~core.goals.vocabulary.Cues`, ready to search."""

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
        phrases = {
            name: getattr(cues, name).all() if cues is not None else [] for name in cls.__dataclass_fields__
        }
        return cls(**{name: PhraseSet(texts) for name, texts in phrases.items()})


class GoalReader:
    """Reads goal statements against one catalog and its goal vocabulary."""

    def __init__(self, catalog: Catalog, vocabulary: GoalVocabulary, matcher: Matcher | None = None) -> None:
        self.catalog = catalog
        self.matcher = matcher or Matcher(catalog)
        self.origins = {origin.id: origin for origin in vocabulary.origins}
        self.interests = {interest.id: interest for interest in vocabulary.interests}
        self.fallback = vocabulary.fallback
        self.cues = _Cues.of(vocabulary.cues)
        generic = vocabulary.cues.generic.all() if vocabulary.cues is not None else []
        self._generic = frozenset(word for text in generic for word in fold(text).split())
        self._origin_of = {
            tuple(fold(alias).split()): origin
            for origin in vocabulary.origins
            for alias in origin.aliases.all()
        }
        self._origin_phrases = PhraseSet((" ".join(phrase) for phrase in self._origin_of), fuzzy=True)
        self._interest_index = AliasIndex(
            (Target(TargetKind.INTEREST, interest.id), alias)
            for interest in vocabulary.interests
            if not interest.fallback
            for alias in interest.aliases.all()
        )
        self._aliases: dict[tuple[TargetKind, str], list[str]] = {}
        for index in (self.matcher.goals_and_skills, self._interest_index):
            for target, alias in zip(index.targets, index.aliases, strict=True):
                self._aliases.setdefault((target.kind, target.id), []).append(alias)
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

    def shortlist_item(self, goal_id: str) -> ShortlistItem:
        """A goal as a shortlist shows it (its summary and first credential, derived once)."""
        return self._items[goal_id]

    def read(self, text: str) -> GoalIntent:
        """What ``text`` means as a goal (the module docstring says in which order it is read)."""
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
            shortlist=tuple(self.shortlist_item(goal_id) for goal_id in reading.shortlist),
            match=match,
        )

    def _fit(self, match: Match | None, words: Sequence[str]) -> Fit:
        aliases = self._aliases.get((match.kind, match.id), []) if match is not None else []
        return Fit.of(match, words, aliases, self._generic)

    # -- career changes -------------------------------------------------------------------------

    def _career_change(self, tokens: Sequence[str]) -> tuple[Origin, _Reading] | None:
        found = self._origin_phrases.find(tokens)
        if not found:
            return None
        start, end, phrase = min(found, key=lambda span: (span[0] - span[1], span[0]))  # longest, then first
        origin = self._origin_of[phrase]
        before, after = tokens[:start], tokens[end:]
        from_cues = self.cues.change_from.find(before)
        cue_before = any(start - ORIGIN_CUE_GAP <= stop <= start for _, stop, _ in from_cues)
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
            return self._vague(None, None, origin) if origin else _Reading(IntentKind.UNKNOWN, False)
        purpose = [start for start in self.cues.purpose.starts(tokens) if start > 0]
        if purpose and origin is None:  # "build websites for small businesses": the goal comes first
            head = self._statement(tokens[: purpose[0]], frozenset(b for b in breaks if b < purpose[0]))
            if head.confident:
                return head
        result = self.matcher.match(normalized, limit=MATCH_LIMIT)
        words = normalized.split()

        def fit(match: Match | None) -> Fit:
            return self._fit(match, words)

        goals = strongest_first([m for m in result.goals if m.score >= CONFIDENT_SCORE], fit)
        skills = strongest_first([m for m in result.skills if m.score >= CONFIDENT_SCORE], fit)
        goal, skill = fit(goals[0] if goals else None), fit(skills[0] if skills else None)
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

    def _interest(self, normalized: str, words: Sequence[str]) -> tuple[Interest, Fit] | None:
        """The strongest interest named in the text (never the fallback), if confident."""
        scores = self._interest_index.score_targets(normalized)
        ranked = sorted((-score, target.id, alias) for target, (score, alias) in scores.items())
        if not ranked or -ranked[0][0] < CONFIDENT_SCORE:
            return None
        score, interest_id, alias = ranked[0]
        match = Match(TargetKind.INTEREST, interest_id, -score, alias)
        return self.interests[interest_id], self._fit(match, words)

    def _vague(
        self, result: MatchResult | None, interest: tuple[Interest, Fit] | None, origin: Origin | None
    ) -> _Reading:
        """4-6 paths: goals the text names better than its interest, then the interest's paths (an
        origin's usual moves first); without either, the nearest goals, or the origin's moves."""
        matches = result.goals if result is not None else []
        words = result.normalized.split() if result is not None else []
        named = [
            m.id
            for m in matches
            if m.score >= CONFIDENT_SCORE and (interest is None or self._fit(m, words).beats(interest[1]))
        ]
        goals = named + list(interest[0].goals if interest else ())
        if not goals and result is not None:
            confident_skills = [m.id for m in result.skills if m.score >= CONFIDENT_SCORE]
            goals = [m.id for m in matches] + [self._home[s] for s in confident_skills if s in self._home]
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
        head_result = self.matcher.match(normalize(" ".join(head)), limit=MATCH_LIMIT) if tail else None
        if head_result is not None and head_result.best_goal is not None:
            result = head_result
        else:
            tail = []  # no role before the cue: the cue was part of the goal ("work with data")
        words = result.normalized.split()

        def fit(match: Match) -> Fit:
            return self._fit(match, words)

        ranked = strongest_first([m for m in result.goals if m.score >= CONFIDENT_SCORE], fit)
        top = ranked[0]
        close = [m.id for m in ranked[1:] if fit(m).level_with(fit(top))]
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
        """Confident skills a part names: the best fit, then others saying only words it does not.

        ``whole_only``: every skill's alias must be said whole (an emphasis names skills plainly).
        """
        normalized = normalize(" ".join(tokens))
        if _letters(normalized) < MIN_LETTERS:
            return []
        words = normalized.split()
        found = [
            m for m in self.matcher.match(normalized, limit=MATCH_LIMIT).skills if m.score >= CONFIDENT_SCORE
        ]
        chosen: list[str] = []
        covered: set[str] = set()
        for match in strongest_first(found, lambda m: self._fit(m, words)):
            said = covered_words(words, match.alias)
            if (whole_only or chosen) and not says_whole(words, match.alias):
                continue
            if chosen and (not said or said & covered):
                continue
            chosen.append(match.id)
            covered |= said
        return chosen
