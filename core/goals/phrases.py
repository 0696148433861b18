"""Whole-word phrase search in folded text: cue phrases exactly, origin names with typos forgiven.

Phrases are indexed by their first word, so a search looks only at phrases that can start at each
word of the text; with ``fuzzy``, a long word also stands for vocabulary words spelt nearly the
same ("acountant", "persn"), found once per word with rapidfuzz.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence

from rapidfuzz import fuzz, process

from core.catalog.text import fold

FUZZY_WORD_SCORE = 85.0  # a long word this similar is the same word
FUZZY_WORD_LENGTH = 5  # shorter words must be spelt exactly ("cs", "hr", "guru")

Phrase = tuple[str, ...]
Span = tuple[int, int, Phrase]


def same_word(typed: str, known: str) -> bool:
    """Equal, or both long and nearly equal."""
    if typed == known:
        return True
    if min(len(typed), len(known)) < FUZZY_WORD_LENGTH:
        return False
    return fuzz.ratio(typed, known) >= FUZZY_WORD_SCORE


class PhraseSet:
    """Phrases (folded, as tuples of words) to find as whole words in a list of folded words."""

    def __init__(self, texts: Iterable[str], *, fuzzy: bool = False) -> None:
        phrases = {tuple(fold(text).split()) for text in texts}
        self._by_first: dict[str, list[Phrase]] = defaultdict(list)
        for phrase in sorted((p for p in phrases if p), key=lambda p: (-len(p), p)):
            self._by_first[phrase[0]].append(phrase)
        self._vocabulary = sorted(
            {word for phrase in phrases for word in phrase if len(word) >= FUZZY_WORD_LENGTH}
        )
        self._fuzzy = fuzzy

    def _readings(self, token: str) -> set[str]:
        """The vocabulary words ``token`` may stand for."""
        found = {token}
        if self._fuzzy and len(token) >= FUZZY_WORD_LENGTH:
            similar = process.extract(
                token, self._vocabulary, scorer=fuzz.ratio, score_cutoff=FUZZY_WORD_SCORE, limit=None
            )
            found.update(word for word, _score, _index in similar)
        return found

    def find(self, tokens: Sequence[str]) -> list[Span]:
        """Every (start, end, phrase) occurring in ``tokens``, in text order, longest first at a start."""
        readings = [self._readings(token) for token in tokens]
        spans: list[Span] = []
        for start, options in enumerate(readings):
            for first in sorted(options):
                for phrase in self._by_first.get(first, ()):
                    end = start + len(phrase)
                    if end <= len(tokens) and all(
                        word in readings[start + offset] for offset, word in enumerate(phrase[1:], start=1)
                    ):
                        spans.append((start, end, phrase))
        spans.sort(key=lambda span: (span[0], -(span[1] - span[0]), span[2]))
        return spans

    def starts(self, tokens: Sequence[str]) -> list[int]:
        return [start for start, _, _ in self.find(tokens)]

    def occurs_in(self, tokens: Sequence[str]) -> bool:
        return bool(self.find(tokens))

    def without(self, tokens: Sequence[str]) -> list[str]:
        """``tokens`` with every occurrence of the phrases taken out."""
        dropped = {i for start, end, _ in self.find(tokens) for i in range(start, end)}
        return [token for index, token in enumerate(tokens) if index not in dropped]
