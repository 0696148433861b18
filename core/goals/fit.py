"""How well a matched goal, skill or interest fits the learner's words, beyond its fuzzy score.

WRatio scores a short alias contained in a longer text as well as a long one ("online" and "sell
stuff online" both score about 90 in "sell handmade stuff online"), so scores alone cannot tell
which target the learner named.  A :class:`Fit` adds how many of the learner's words an alias says
and how many alias words the learner did not say; within :data:`LEVEL_MARGIN` points, those
decide.  Generic words ("work", "job", "kerja") count neither way.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from core.catalog.matching import CONFIDENT_SCORE, Match
from core.goals.phrases import same_word

LEVEL_MARGIN = 5.0  # scores this close are level: the words said decide, and a tie is a question


def covered_words(query_words: Sequence[str], alias: str) -> set[str]:
    """The query's words an alias says (exactly, or a long word nearly)."""
    alias_words = alias.split()
    return {word for word in query_words if any(same_word(word, known) for known in alias_words)}


def says_whole(query_words: Sequence[str], alias: str) -> bool:
    """Every word of the alias is in the query."""
    return all(any(same_word(word, known) for word in query_words) for known in alias.split())


@dataclass(frozen=True)
class Fit:
    """A match's score, the learner's words its best alias says, and that alias's words they did not."""

    score: float
    said: int
    unsaid: int = 0

    @classmethod
    def of(
        cls, match: Match | None, query_words: Sequence[str], aliases: Sequence[str], generic: frozenset[str]
    ) -> Fit:
        """The match's score with the best word counts over the target's ``aliases``."""
        if match is None:
            return cls(0.0, 0)
        words = [word for word in query_words if word not in generic]
        best = (0, 0)
        for alias in aliases or [match.alias]:
            alias_words = [known for known in alias.split() if known not in generic]
            said = len(covered_words(words, " ".join(alias_words)))
            unsaid = sum(not any(same_word(word, known) for word in words) for known in alias_words)
            best = max(best, (said, -unsaid))
        return cls(match.score, best[0], -best[1])

    @property
    def confident(self) -> bool:
        return self.score >= CONFIDENT_SCORE

    def _words(self) -> tuple[int, int]:
        return self.said, -self.unsaid

    def beats(self, other: Fit) -> bool:
        """Clearly higher; or level and saying more of the learner's words, or as many with fewer
        words they did not say ("programmer" over "programmer web" for "programmer")."""
        if abs(self.score - other.score) <= LEVEL_MARGIN:
            return (*self._words(), self.score) > (*other._words(), other.score)
        return self.score > other.score

    def level_with(self, other: Fit) -> bool:
        """Neither is clearly better: a question for the learner, not a pick."""
        return abs(self.score - other.score) <= LEVEL_MARGIN and self._words() == other._words()


def strongest_first(matches: Sequence[Match], fit: Callable[[Match], Fit]) -> list[Match]:
    """``matches`` reordered so each comes before every match it beats."""
    ordered: list[tuple[Fit, Match]] = []
    for match in matches:
        found = fit(match)
        place = next((i for i, (other, _) in enumerate(ordered) if found.beats(other)), len(ordered))
        ordered.insert(place, (found, match))
    return [match for _, match in ordered]
