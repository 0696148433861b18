"""Text normalization shared by every fuzzy lookup, so queries and aliases are compared alike.

Learners type in English, Indonesian or a mix, with typos, accents, emoji and filler words
("I wanna", "saya mau belajar").  Before any scoring both sides go through :func:`normalize`:
Unicode-decomposed and stripped of accents, case-folded, punctuation turned into spaces (after
saving the few names whose punctuation matters, such as C++ and C#), filler words removed.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import yaml

from core.settings import SHIPPED_DATA_DIR

MAX_QUERY_CHARS = 300  # matching reads at most this much of a message: enough for any goal statement

_SPECIAL_NAMES = (
    (re.compile(r"c\+\+"), " cplusplus "),
    (re.compile(r"c#"), " csharp "),
    (re.compile(r"\.net\b"), " dotnet "),
    (re.compile(r"node\.js"), " nodejs "),
    (re.compile(r"vue\.js"), " vuejs "),
)
_NOT_WORD = re.compile(r"[^0-9a-z]+")

STOPWORDS_FILE = SHIPPED_DATA_DIR / "taxonomy" / "stopwords.yaml"


def _load_stopwords(path: Path = STOPWORDS_FILE) -> dict[str, frozenset[str]]:
    """Filler words per language, from data (curators extend them without code changes)."""
    with path.open(encoding="utf-8") as handle:
        by_language: dict[str, list[object]] = yaml.safe_load(handle)
    words = [word for language_words in by_language.values() for word in language_words]
    not_text = [word for word in words if not isinstance(word, str)]
    if not_text:  # YAML reads bare on/yes/no as booleans: such words must be quoted
        raise ValueError(f"{path}: quote these stopwords: {not_text}")
    return {
        language: frozenset(fold(word) for word in language_words if isinstance(word, str))
        for language, language_words in by_language.items()
    }


def fold(text: str) -> str:
    """Lower-case, accent-free, punctuation-free text with single spaces."""
    decomposed = unicodedata.normalize("NFKD", text)
    without_marks = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()
    for pattern, replacement in _SPECIAL_NAMES:
        without_marks = pattern.sub(replacement, without_marks)
    return _NOT_WORD.sub(" ", without_marks).strip()


STOPWORDS_BY_LANGUAGE = _load_stopwords()
STOPWORDS = frozenset().union(*STOPWORDS_BY_LANGUAGE.values())


def normalize(text: str, *, max_chars: int = MAX_QUERY_CHARS) -> str:
    """Folded text without filler words (kept when nothing else would remain) or repeated words,
    capped in length."""
    folded = fold(text[: max_chars * 4])[:max_chars].strip()
    tokens = list(dict.fromkeys(folded.split()))
    meaningful = [token for token in tokens if token not in STOPWORDS]
    return " ".join(meaningful or tokens)
