"""A learner's answer about where they are -> an IANA time zone name.

Accepted: an IANA name ("Asia/Jakarta"), an abbreviation Indonesians use daily (WIB, WITA,
WIT), a UTC offset ("UTC+7", "GMT-5", "+05:30"), a city, state or country from
``data/timezones.yaml`` (fuzzy, so "jogja" and "Surabya" work; "Berlin, Germany" part by part;
a country with several zones is asked about), or a shared location (the nearest listed city).
A named zone is preferred to a bare offset because it follows daylight-saving changes.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass
from functools import cache
from zoneinfo import ZoneInfo, available_timezones

import yaml
from rapidfuzz import fuzz, process

from core.catalog.text import fold
from core.settings import SHIPPED_DATA_DIR

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


@dataclass(frozen=True)
class Place:
    """A place a learner may name: a city (one zone) or a region (a state, a country: one zone or
    several)."""

    name: str
    zones: tuple[str, ...]
    region: bool = False


@dataclass(frozen=True)
class ZoneAnswer:
    """What an answer to "where are you?" gives: one ``zone``, or the ``choices`` of a place with
    several ("Indonesia": WIB, WITA or WIT), or neither (``agreed`` False when its places disagree
    or one of them is unknown: "Paris, Blah")."""

    zone: str | None = None
    choices: tuple[str, ...] = ()
    place: str = ""
    agreed: bool = True


@cache
def _places() -> tuple[dict[str, str], list[City], dict[str, Place]]:
    with TIMEZONES_FILE.open(encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    cities = [City(str(row[0]), str(row[1]), float(row[2]), float(row[3])) for row in data["cities"]]
    names: dict[str, Place] = {}
    for row, city in zip(data["cities"], cities, strict=True):
        for alias in [row[0], *row[4:]]:
            names[fold(str(alias))] = Place(city.name, (city.zone,))
    for row in data["regions"]:
        zones = tuple(row[1]) if isinstance(row[1], list) else (str(row[1]),)
        for alias in [row[0], *row[2:]]:
            names[fold(str(alias))] = Place(str(row[0]), zones, region=True)
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
    """An IANA zone name for the learner's answer, or None when nothing fits well or it needs asking."""
    return read_timezone(text).zone


def read_timezone(text: str) -> ZoneAnswer:
    """The learner's answer read as a zone.

    "Berlin, Germany" or "Brooklyn, NY" is read part by part, the way people address a letter:
    every part must be a place we know; the zone they share wins ("Jakarta, Indonesia"), and when
    a city's zone is not its region's, the region decides ("Paris, Texas", "Perth, Scotland") if
    it has one zone.  Anything else is refused, not guessed."""
    stripped = text.strip()
    if not stripped or len(stripped) > 100:
        return ZoneAnswer()
    whole = _one_place(stripped, fuzzy="," not in stripped)  # "Perth, Australia" is two places
    if whole is not None or "," not in stripped:
        return _answer(whole)
    parts = [part.strip() for part in stripped.split(",") if part.strip()]
    places = [_one_place(part) for part in parts]
    if not places or None in places:
        return ZoneAnswer(agreed=not places)
    known = [place for place in places if place is not None]
    shared = [zone for zone in known[0].zones if all(zone in place.zones for place in known)]
    if shared:
        return _answer(Place(known[0].name, tuple(shared)))
    region = known[-1]
    if region.region and len(region.zones) == 1:
        return _answer(region)
    return ZoneAnswer(agreed=False)


def _answer(place: Place | None) -> ZoneAnswer:
    if place is None:
        return ZoneAnswer()
    if len(place.zones) == 1:
        return ZoneAnswer(zone=place.zones[0], place=place.name)
    return ZoneAnswer(choices=place.zones, place=place.name)


def _one_place(stripped: str, *, fuzzy: bool = True) -> Place | None:
    if not stripped:
        return None
    iana = _iana_names().get(stripped.casefold().replace(" ", "_"))
    abbreviations, _, names = _places()
    folded = fold(stripped)
    zone = iana or abbreviations.get(folded) or _from_offset(stripped.lower())
    if zone:
        return Place(stripped, (zone,))
    if folded in names:
        return names[folded]
    if not fuzzy or len(folded) < MIN_FUZZY_LENGTH:
        return None
    found = process.extractOne(folded, list(names), scorer=fuzz.ratio, score_cutoff=CITY_SCORE)
    return names[found[0]] if found else None


def zone_label(zone: str, when: dt.datetime) -> str:
    """A zone as a learner reads it: the place we know it by and its abbreviation at ``when``
    ("Paris (CET)", "Jakarta (WIB)"), or its offset ("UTC+07") for a bare offset."""
    _, cities, _ = _places()
    named = zone.split("/")[-1].replace("_", " ")  # the city the zone is named after, when listed
    listed = [city.name for city in cities if city.zone == zone]
    place = named if named in listed else next(iter(listed), None)
    abbreviation = when.astimezone(ZoneInfo(zone)).tzname() or ""
    if abbreviation.startswith(("+", "-")):
        abbreviation = f"UTC{abbreviation}"
    if place is None and (zone.startswith("Etc/") or zone == "UTC"):
        return abbreviation
    if place is None:
        place = named
    return f"{place} ({abbreviation})" if abbreviation and abbreviation != place else place


def nearest_zone(latitude: float, longitude: float) -> str:
    """The zone of the nearest listed city (great-circle distance)."""
    _, cities, _ = _places()

    def distance(city: City) -> float:
        lat1, lat2 = math.radians(latitude), math.radians(city.latitude)
        dlat, dlon = lat2 - lat1, math.radians(city.longitude - longitude)
        a = math.sin(dlat / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin(dlon / 2) ** 2
        return 2 * math.asin(min(1.0, math.sqrt(a)))

    return min(cities, key=lambda city: (distance(city), city.name)).zone
