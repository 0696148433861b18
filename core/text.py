"""Text normalization shared by every fuzzy lookup, so queries and aliases are compared alike.

Learners type in English, Indonesian or a mix, with typos, accents, emoji and filler words
("I wanna", "saya mau belajar").  Before any scoring both sides go through :func:`normalize`:
Unicode-decomposed and stripped of accents, case-folded, punctuation turned into spaces (after
saving the few names whose punctuation matters, such as C++ and C#), filler words removed.
"""

from __future__ import annotations

import re
import unicodedata

MAX_QUERY_CHARS = 300  # matching reads at most this much of a message: enough for any goal statement

_SPECIAL_NAMES = (
    (re.compile(r"c\+\+"), " cplusplus "),
    (re.compile(r"c#"), " csharp "),
    (re.compile(r"\.net\b"), " dotnet "),
    (re.compile(r"node\.js"), " nodejs "),
    (re.compile(r"vue\.js"), " vuejs "),
)
_NOT_WORD = re.compile(r"[^0-9a-z]+")

# Words that carry no meaning for matching a goal or a skill, in English and Indonesian.
STOPWORDS = frozenset(
    """
    a an the i im i'm me my we our you your to of for in on at by with and or as be been being is are am
    want wanna wanted would like love need needs get gonna going how learn learning become becoming
    start started some more about into up do make that this so just really please help also can
    jadi menjadi ingin mau pengen pingin saya aku gue gua kami kita untuk buat bisa yang di ke dari
    dan atau dengan belajar mempelajari cara agar supaya biar ini itu sebagai seorang lebih tentang
    tolong dong nih deh sih ya
    """.split()
)


def fold(text: str) -> str:
    """Lower-case, accent-free, punctuation-free text with single spaces."""
    decomposed = unicodedata.normalize("NFKD", text)
    without_marks = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()
    for pattern, replacement in _SPECIAL_NAMES:
        without_marks = pattern.sub(replacement, without_marks)
    return _NOT_WORD.sub(" ", without_marks).strip()


def normalize(text: str, *, max_chars: int = MAX_QUERY_CHARS) -> str:
    """Folded text without filler words (kept when nothing else would remain), capped in length."""
    folded = fold(text[: max_chars * 4])[:max_chars].strip()
    tokens = folded.split()
    meaningful = [token for token in tokens if token not in STOPWORDS]
    return " ".join(meaningful or tokens)
