"""A learner's answer about where they are -> an IANA time zone name.

Accepted: an IANA name ("Asia/Jakarta"), an abbreviation Indonesians use daily (WIB, WITA,
WIT), a UTC offset ("UTC+7", "GMT-5", "+05:30"), a city or country from ``data/timezones.yaml``
(fuzzy, so "jogja" and "Surabya" work; "Berlin, Germany" part by part), or a shared location
(the nearest listed city).
A named zone is preferred to a bare offset because it follows daylight-saving changes.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

import yaml
from rapidfuzz import fuzz, process

from core.settings import SHIPPED_DATA_DIR
from core.text import fold

TIMEZONES_FILE = SHIPPED_DATA_DIR / "timezones.yaml"
CITY_SCORE = 80.0  # plain ratio: typos in a whole name, never a two-letter alias inside a word
MIN_FUZZY_LENGTH = 4
_OFFSET = re.compile(r"^(?:utc|gmt)?\s*([+-])\s*(\d{1,2})(?:[:.]?(\d{2}))?$")
# Offsets without an Etc/GMT zone (half and quarter hours) go to the place that uses them.
_ODD_OFFSETS = {
    (5, 30): "Asia/Kolkata",
    (5, 45): "Asia/Kathmandu",
    (9, 30): "Australia/Darwin",
    (3, 30): "Asia/Tehran",
    (-3, -30): "America/St_Johns",
    (6, 30): "Asia/Yangon",
    (10, 30): "Australia/Adelaide",
    (4, 30): "Asia/Kabul",
}


@dataclass(frozen=True)
class City:
    name: str
    zone: str
    latitude: float
    longitude: float


@cache
def _places() -> tuple[dict[str, str], list[City], dict[str, City]]:
    with TIMEZONES_FILE.open(encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    cities = [City(str(row[0]), str(row[1]), float(row[2]), float(row[3])) for row in data["cities"]]
    names = {}
    for row, city in zip(data["cities"], cities, strict=True):
        for alias in [row[0], *row[4:]]:
            names[fold(str(alias))] = city
    return {fold(k): v for k, v in data["abbreviations"].items()}, cities, names


@cache
def _iana_names() -> dict[str, str]:
    return {name.casefold(): name for name in available_timezones()}


def _from_offset(text: str) -> str | None:
    match = _OFFSET.match(text.replace(" ", ""))
    if match is None:
        return None
    sign = 1 if match.group(1) == "+" else -1
    hours, minutes = int(match.group(2)), int(match.group(3) or 0)
    if hours > 14 or minutes not in (0, 30, 45):
        return None
    if minutes:
        return _ODD_OFFSETS.get((sign * hours, sign * minutes))
    if hours == 0:
        return "UTC"
    return f"Etc/GMT{'-' if sign > 0 else '+'}{hours}"  # the Etc/ sign is inverted by POSIX convention


def parse_timezone(text: str) -> str | None:
    """An IANA zone name for the learner's answer, or None when nothing fits well.

    "Berlin, Germany" or "Brooklyn, NY" is read part by part, the first place found winning:
    people write where they are the way they address a letter."""
    stripped = text.strip()
    if not stripped or len(stripped) > 100:
        return None
    zone = _one_place(stripped)
    if zone is None and "," in stripped:
        zone = next(filter(None, (_one_place(part.strip()) for part in stripped.split(","))), None)
    return zone


def _one_place(stripped: str) -> str | None:
    if not stripped:
        return None
    iana = _iana_names().get(stripped.casefold().replace(" ", "_"))
    if iana:
        return iana
    abbreviations, _, names = _places()
    folded = fold(stripped)
    if folded in abbreviations:
        return abbreviations[folded]
    offset = _from_offset(stripped.lower())
    if offset:
        return offset
    if folded in names:
        return names[folded].zone
    if len(folded) < MIN_FUZZY_LENGTH:
        return None
    found = process.extractOne(folded, list(names), scorer=fuzz.ratio, score_cutoff=CITY_SCORE)
    return names[found[0]].zone if found else None


def nearest_zone(latitude: float, longitude: float) -> str:
    """The zone of the nearest listed city (great-circle distance)."""
    _, cities, _ = _places()

    def distance(city: City) -> float:
        lat1, lat2 = math.radians(latitude), math.radians(city.latitude)
        dlat, dlon = lat2 - lat1, math.radians(city.longitude - longitude)
        a = math.sin(dlat / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin(dlon / 2) ** 2
        return 2 * math.asin(min(1.0, math.sqrt(a)))

    return min(cities, key=lambda city: (distance(city), city.name)).zone


def is_valid_zone(name: str) -> bool:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True
