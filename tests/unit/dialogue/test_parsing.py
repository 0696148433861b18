"""Typed answers read as the learner meant them: every item of a list answer is kept."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from core.catalog.schema import CourseFormat
from core.dialogue import parsing
from core.dialogue.timezones import parse_timezone, read_timezone
from core.limits import MAX_HOURS_PER_WEEK, MIN_HOURS_PER_WEEK

BOTH = frozenset({"en", "id"})


@pytest.mark.parametrize(
    ("text", "languages"),
    [
        ("english and indonesian", BOTH),
        ("English, Indonesian", BOTH),
        ("bahasa inggris dan indonesia", BOTH),
        ("inggris & indonesia", BOTH),
        ("both", BOTH),
        ("keduanya", BOTH),
        ("english", frozenset({"en"})),
        ("bahasa inggris", frozenset({"en"})),  # "bahasa" is part of the English name here
        ("bahasa indonesia saja", frozenset({"id"})),
        ("indonesia", frozenset({"id"})),
        ("in english please", frozenset({"en"})),
    ],
)
def test_every_course_language_named_is_kept(text: str, languages: frozenset[str]) -> None:
    assert parsing.parse_course_languages(text) == languages


def test_no_language_named_is_no_answer() -> None:
    assert parsing.parse_course_languages("whatever works for me tomorrow") is None


@pytest.mark.parametrize(
    ("text", "formats"),
    [
        ("self-paced and with a class", {CourseFormat.SELF_PACED, CourseFormat.COHORT}),
        ("mandiri atau kelas", {CourseFormat.SELF_PACED, CourseFormat.COHORT}),
        ("bootcamp", {CourseFormat.BOOTCAMP}),
    ],
)
def test_every_format_named_is_kept(text: str, formats: set[CourseFormat]) -> None:
    assert parsing.parse_formats(text) == frozenset(formats)


@pytest.mark.parametrize(
    ("text", "hours"),
    [
        ("5", 5.0),
        ("about 5 hrs a week", 5.0),
        ("an hour a day", 7.0),
        ("2 hours on weekdays", 10.0),
        ("weekends only, 3 hours each day", 6.0),
        ("1 jam sehari", 7.0),
        ("2 jam tiap hari kerja", 10.0),
        ("4 jam tiap akhir pekan", 8.0),
        ("30 menit sehari", 3.5),
        ("45 minutes every day", 5.25),
        ("lima jam", 5.0),
    ],
)
def test_hours_per_day_and_per_weekday_become_hours_per_week(text: str, hours: float) -> None:
    assert parsing.parse_hours(text) == hours


def test_more_hours_than_a_week_can_hold_are_no_answer() -> None:
    assert parsing.parse_hours("12 hours a day") is None


def test_hours_a_week_are_read_within_the_one_range_the_planner_allows() -> None:
    assert parsing.parse_hours(f"{MAX_HOURS_PER_WEEK:g}") == MAX_HOURS_PER_WEEK
    assert parsing.parse_hours(f"{MAX_HOURS_PER_WEEK + 1:g}") is None
    assert parsing.parse_hours(f"{MIN_HOURS_PER_WEEK:g}") == MIN_HOURS_PER_WEEK
    assert parsing.parse_hours("0.25") is None


# -- issue #15: typos, filler words and informal spellings around a valid answer --------------

LEVEL_CASES = [
    ("total begginer", "beginner"),
    ("beginer", "beginner"),
    ("begineer pls", "beginner"),
    ("complete newbie", "beginner"),
    ("a total novice", "beginner"),
    ("from scratch", "beginner"),
    ("pemula banget", "beginner"),
    ("masih pemula sih", "beginner"),
    ("pemula aja", "beginner"),
    ("intermediat", "intermediate"),
    ("intermedate i think", "intermediate"),
    ("menengah dong", "intermediate"),
    ("lumayan lah", "intermediate"),
    ("some experience", "intermediate"),
    ("advnced", "advanced"),
    ("advance", "advanced"),
    ("pretty experienced", "advanced"),
    ("sudah mahir", "advanced"),
    ("udah jago", "advanced"),
    ("expert", "advanced"),
]


@pytest.mark.parametrize(("text", "level"), LEVEL_CASES)
def test_levels_with_typos_and_fillers(text: str, level: str) -> None:
    found = parsing.parse_level(text)
    assert found is not None and found.value == level


@pytest.mark.parametrize("text", ["export", "blah", "i don't know", "hmm", "xyz", "level", "keyboard"])
def test_words_merely_near_a_level_stay_refused(text: str) -> None:
    assert parsing.parse_level(text) is None


WEEKDAY_CASES = [
    ("mondays", 0),
    ("on mondays please", 0),
    ("monday pls", 0),
    ("mnday", 0),
    ("mon", 0),
    ("firday", None),  # a swap of two letters is two edits: too far for the strict cutoff
    ("senin aja", 0),
    ("hari senin dong", 0),
    ("tuesdays", 1),
    ("tusday", 1),
    ("selasa", 1),
    ("wednesdays", 2),
    ("wensday", 2),
    ("rabu sih", 2),
    ("thursdays", 3),
    ("thrusday", 3),
    ("kamis", 3),
    ("fridays", 4),
    ("friiday", 4),
    ("jumat aja", 4),
    ("saturdays", 5),
    ("saterday", 5),
    ("sabtu deh", 5),
    ("sundays", 6),
    ("sunday please", 6),
    ("minggu", 6),
    ("ahad", 6),
    ("someday", None),
    ("today", None),
    ("weekly", None),
]


@pytest.mark.parametrize(("text", "day"), WEEKDAY_CASES)
def test_weekdays_with_plurals_typos_and_fillers(text: str, day: int | None) -> None:
    assert parsing.parse_weekday(text) == day


BUDGET_CASES = [
    ("free only pls, i have no money", "USD", Decimal(0)),
    ("gratis aja", "IDR", Decimal(0)),
    ("gratis saja", "IDR", Decimal(0)),
    ("gratisan dong", "IDR", Decimal(0)),
    ("yang gratis aja ya", "IDR", Decimal(0)),
    ("free please", "USD", Decimal(0)),
    ("only free ones", "USD", Decimal(0)),
    ("free courses only", "USD", Decimal(0)),
    ("no money sorry", "USD", Decimal(0)),
    ("i have no money", "USD", Decimal(0)),
    ("tidak ada uang", "IDR", Decimal(0)),
    ("gak punya duit", "IDR", Decimal(0)),
    ("tanpa biaya", "IDR", Decimal(0)),
    ("nothing", "USD", Decimal(0)),
    ("nol", "IDR", Decimal(0)),
    ("50k pls", "IDR", Decimal(50_000)),
    ("100rb aja", "IDR", Decimal(100_000)),
    ("maybe 20 dollars", "USD", Decimal(20)),
    ("$25 please", "USD", Decimal(25)),
    ("twenty dollars", "USD", Decimal(20)),
    ("fifty dollars", "USD", Decimal(50)),
    ("free would be nice but 10 is ok", "USD", Decimal(10)),  # an amount named wins
    ("paling 200rb sih", "IDR", Decimal(200_000)),
]


@pytest.mark.parametrize(("text", "currency", "amount"), BUDGET_CASES)
def test_budgets_with_fillers_and_free_in_a_sentence(text: str, currency: str, amount: Decimal) -> None:
    assert parsing.parse_budget(text, currency) == amount


@pytest.mark.parametrize("text", ["lots", "whatever you think", "depends", "idk", "-"])
def test_budgets_without_an_amount_or_free_stay_refused(text: str) -> None:
    assert parsing.parse_budget(text, "USD") is None


NUMBER_CASES = [
    ("5", True, Decimal(5)),
    ("5", False, Decimal(5)),
    ("five", True, Decimal(5)),
    ("five", False, None),
    ("lima", True, Decimal(5)),
    ("lima", False, None),
    ("the teacher one", True, Decimal(1)),
    ("the teacher one", False, None),
    ("a data analyst", False, None),
    ("satu", False, None),
    ("dua puluh lima", True, Decimal(25)),
    ("option 2", False, Decimal(2)),
    ("twelve", True, Decimal(12)),
    ("seratus", True, Decimal(100)),
    ("no idea", True, None),
]


@pytest.mark.parametrize(("text", "words", "number"), NUMBER_CASES)
def test_number_words_count_only_where_a_number_is_asked(
    text: str, words: bool, number: Decimal | None
) -> None:
    assert parsing.parse_number(text, words=words) == number


HOURS_CASES = [
    ("five pls", 5.0),
    ("around 3 hours i guess", 3.0),
    ("tiga jam aja", 3.0),
    ("10 jam dong", 10.0),
    ("an hour a day please", 7.0),
    ("sejam", 1.0),  # "sejam" is one hour (it was refused: a misreading)
    ("se", None),  # "se" alone is no number
    ("lots of time", None),
    ("100 hours", None),
]


@pytest.mark.parametrize(("text", "hours"), HOURS_CASES)
def test_hours_with_fillers(text: str, hours: float | None) -> None:
    assert parsing.parse_hours(text) == hours


WORD_CASES = [
    ("yes please", "yes", True),
    ("ya dong", "yes", True),
    ("iya sih", "yes", True),
    ("oke deh", "yes", True),
    ("yes thanks", "yes", True),
    ("yes thank you", "yes", True),
    ("iya terima kasih", "yes", True),
    ("yes but", "yes", False),
    ("gak ada", "none", True),
    ("ga ada dong", "none", True),
    ("nggak", "none", True),
    ("blm ada", "none", True),
    ("belum ada sih", "none", True),
    ("none pls", "none", True),
    ("nope", "none", True),
    ("python", "none", False),
    ("terserah aja", "any", True),
    ("apa saja", "any", True),
    ("anything please", "any", True),
    ("bebas kak", "any", True),
    ("nothing really matters", "any", False),
    ("gratis aja", "free", True),
    ("free pls", "free", True),
]


@pytest.mark.parametrize(("text", "meaning", "expected"), WORD_CASES)
def test_whole_word_answers_with_fillers(text: str, meaning: str, expected: bool) -> None:
    assert parsing.is_word(text, meaning) is expected


FORMAT_CASES = [
    ("bootcmp", {CourseFormat.BOOTCAMP}),
    ("selfpaced pls", None),  # glued together: not a word we know, and too far from "self"
    ("self paced aja", {CourseFormat.SELF_PACED}),
    ("mandiri dong", {CourseFormat.SELF_PACED}),
    ("kelas live sih", {CourseFormat.COHORT}),
    ("intensif", {CourseFormat.BOOTCAMP}),
]


@pytest.mark.parametrize(("text", "formats"), FORMAT_CASES)
def test_formats_with_typos_and_fillers(text: str, formats: set[CourseFormat] | None) -> None:
    found = parsing.parse_formats(text)
    assert found == (frozenset(formats) if formats is not None else None)


LANGUAGE_CASES = [
    ("englsh", frozenset({"en"})),
    ("inggris aja", frozenset({"en"})),
    ("indonesian pls", frozenset({"id"})),
    ("indonesain", frozenset({"id"})),
    ("keduanya dong", BOTH),
    ("both please", BOTH),
]


@pytest.mark.parametrize(("text", "languages"), LANGUAGE_CASES)
def test_course_languages_with_typos_and_fillers(text: str, languages: frozenset[str]) -> None:
    assert parsing.parse_course_languages(text) == languages


CHECKIN_CASES = [
    ("udah selesai", "checkin_done", True),
    ("sudah selesai kok", "checkin_done", True),
    ("done!", "checkin_done", True),
    ("finished it yesterday", "checkin_done", True),
    ("finsihed", "checkin_done", True),
    ("completed, yay", "checkin_done", True),
    ("beres dong", "checkin_done", True),
    ("udh kelar", "checkin_done", True),
    ("100%", "checkin_done", True),
    ("not done yet", "checkin_done", False),
    ("belum selesai", "checkin_done", False),
    ("blm selesai", "checkin_done", False),
    ("haven't finished", "checkin_done", False),
    ("not completed", "checkin_done", False),
    ("im stuck, its too hard", "checkin_stuck", True),
    ("i'm stuck", "checkin_stuck", True),
    ("too difficult for me", "checkin_stuck", True),
    ("susah banget", "checkin_stuck", True),
    ("bingung nih", "checkin_stuck", True),
    ("mentok", "checkin_stuck", True),
    ("not stuck", "checkin_stuck", False),
    ("gak susah", "checkin_stuck", False),
    ("not too hard", "checkin_stuck", False),
    ("skip it please", "checkin_skip", True),
    ("lewati aja", "checkin_skip", True),
    ("not interested anymore", "checkin_skip", True),
    ("halfway there", "checkin_done", False),
]


@pytest.mark.parametrize(("text", "meaning", "expected"), CHECKIN_CASES)
def test_check_in_answers_said_in_a_sentence_unless_denied(text: str, meaning: str, expected: bool) -> None:
    assert parsing.affirmed(text, meaning) is expected


ZONE_CASES = [
    ("New York City", "America/New_York"),
    ("new york city", "America/New_York"),
    ("Berlin, Germany", "Europe/Berlin"),
    ("brooklyn", "America/New_York"),
    ("Brooklyn, NY", "America/New_York"),
    ("Manhattan", "America/New_York"),
    ("queens", "America/New_York"),
    ("Jakarta, Indonesia", "Asia/Jakarta"),
    ("Surabaya, Jawa Timur", "Asia/Jakarta"),
    ("Paris, France", "Europe/Paris"),
    ("london, uk", "Europe/London"),
    ("Munich, Germany", "Europe/Berlin"),
    ("Deutschland", "Europe/Berlin"),
    ("Makassar, Sulawesi", "Asia/Makassar"),
    ("San Francisco, CA", "America/Los_Angeles"),
    ("Bandung, Jabar", "Asia/Jakarta"),
    ("blah, blah", None),
    ("nowhere", None),
    (",", None),
]


@pytest.mark.parametrize(("text", "zone"), ZONE_CASES)
def test_time_zones_from_city_and_country(text: str, zone: str | None) -> None:
    assert parse_timezone(text) == zone


FOREIGN_CASES = [
    ("hola, quiero aprender", True),
    ("no tengo dinero", True),
    ("cinco horas por semana", True),
    ("je veux apprendre", True),
    ("je suis débutant", True),
    ("ich will lernen", True),
    ("ich habe keine Zeit", True),
    ("eu quero aprender", True),
    ("não sei", True),
    ("我想学习", True),
    ("пять часов", True),
    ("مرحبا", True),
    ("blah", False),
    ("asdfgh", False),
    ("saya mau belajar", False),
    ("saya nak belajar", False),  # Malay reads as Indonesian
    ("tak tahu lah", False),
    ("i want to learn", False),
    ("Berlin, Germany", False),
    ("name@example.com", False),
    ("😀😀", False),
]


@pytest.mark.parametrize(("text", "foreign"), FOREIGN_CASES)
def test_languages_we_do_not_speak_are_recognised(text: str, foreign: bool) -> None:
    assert parsing.foreign_language(text) is foreign


AMBIGUOUS_TIME_CASES = [
    ("5", True),
    ("7:30", True),
    ("at 6", True),
    ("jam 5", True),
    ("12", True),
    ("5pm", False),
    ("5 am", False),
    ("05:00", False),
    ("17:00", False),
    ("19.30", False),
    ("jam 5 sore", False),
    ("5 in the morning", False),
    ("7 malam", False),
    ("evening", False),
]


@pytest.mark.parametrize(("text", "ambiguous"), AMBIGUOUS_TIME_CASES)
def test_times_without_am_pm_or_part_of_day_are_ambiguous(text: str, ambiguous: bool) -> None:
    assert parsing.is_ambiguous_time(text) is ambiguous


# -- issue #15 review: a negation or a partial word is never read as what it denies -----------

DENIED_CHECKIN_CASES = [
    ("I don't want to skip", "checkin_skip", False),
    ("i dont want to skip it", "checkin_skip", False),
    ("I won't skip", "checkin_skip", False),
    ("No problem, done", "checkin_done", True),
    ("no worries, selesai", "checkin_done", True),
    ("it isn't hard", "checkin_stuck", False),
    ("wasn't stuck", "checkin_stuck", False),
    ("gak mau lewati", "checkin_skip", False),
]


@pytest.mark.parametrize(("text", "meaning", "expected"), DENIED_CHECKIN_CASES)
def test_a_negation_denies_the_phrase_of_its_own_clause(text: str, meaning: str, expected: bool) -> None:
    assert parsing.affirmed(text, meaning) is expected


BUDGET_NEGATION_CASES = [
    ("not free", None),
    ("bukan gratis", None),
    ("gak gratis", None),
    ("can't pay much", None),
    ("lima puluh ribu, ga gratis", Decimal(50_000)),
    ("seratus ribu", Decimal(100_000)),
    ("ga ada budget", Decimal(0)),
    ("no budget", Decimal(0)),
]


@pytest.mark.parametrize(("text", "amount"), BUDGET_NEGATION_CASES)
def test_budget_free_only_when_not_denied_in_rupiah(text: str, amount: Decimal | None) -> None:
    assert parsing.parse_budget(text, "IDR") == amount


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("not free, maybe fifty", Decimal(50)),
        ("I can't pay more than twenty", Decimal(20)),
        ("not free", None),
    ],
)
def test_budget_an_amount_named_wins_over_free_denied(text: str, amount: Decimal | None) -> None:
    assert parsing.parse_budget(text, "USD") == amount


HOURS_REVIEW_CASES = [
    ("5 dollars", None),
    ("$30", None),
    ("Rp 50rb", None),
    ("a lot", None),
    ("a lot of time", None),
    ("a couple hours", 2.0),
    ("a couple of hours a day", 14.0),
    ("half an hour a day", 3.5),
    ("setengah jam sehari", 3.5),
    ("2h/day", 14.0),
    ("3 hrs/day", 21.0),
    ("sejam sehari", 7.0),
]


@pytest.mark.parametrize(("text", "hours"), HOURS_REVIEW_CASES)
def test_hours_are_not_money_nor_a_lot(text: str, hours: float | None) -> None:
    assert parsing.parse_hours(text) == hours


@pytest.mark.parametrize(
    "text",
    ["not a beginner", "I'm no expert", "not expert", "not advanced", "bukan pemula", "beginner or expert"],
)
def test_a_denied_or_doubled_level_is_no_answer(text: str) -> None:
    assert parsing.parse_level(text) is None


@pytest.mark.parametrize(
    ("text", "formats"),
    [
        ("no bootcamp", {CourseFormat.SELF_PACED, CourseFormat.COHORT}),
        ("ga mau bootcamp", {CourseFormat.SELF_PACED, CourseFormat.COHORT}),
        ("anything except bootcamp", {CourseFormat.SELF_PACED, CourseFormat.COHORT}),
        ("self-paced, not bootcamp", {CourseFormat.SELF_PACED}),
        ("any is fine", set(CourseFormat)),
        ("any format", set(CourseFormat)),
        ("no preference", set(CourseFormat)),
    ],
)
def test_a_denied_format_leaves_the_others(text: str, formats: set[CourseFormat]) -> None:
    assert parsing.parse_formats(text) == frozenset(formats)


@pytest.mark.parametrize(
    ("text", "languages"),
    [
        ("not english", frozenset({"id"})),
        ("anything but english", frozenset({"id"})),
        ("bukan bahasa inggris", frozenset({"id"})),
        ("not indonesian", frozenset({"en"})),
    ],
)
def test_a_denied_course_language_leaves_the_other(text: str, languages: frozenset[str]) -> None:
    assert parsing.parse_course_languages(text) == languages


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("not monday", None),
        ("monday or tuesday", None),
        ("minggu depan", None),
        ("senen", 0),
        ("hari senen aja", 0),
        ("minggu aja", 6),
    ],
)
def test_weekdays_denied_doubled_or_only_looking_like_one(text: str, day: int | None) -> None:
    assert parsing.parse_weekday(text) == day


@pytest.mark.parametrize(
    ("text", "meaning", "expected"),
    [
        ("yess", "yes", True),
        ("iyaa", "yes", True),
        ("bener", "yes", True),
        ("okey", "yes", True),
        ("sip", "yes", True),
        ("yoi", "yes", True),
        ("nothing really", "none", True),
        ("no skills", "none", True),
        ("any is fine", "any", True),
        ("no preference", "any", True),
    ],
)
def test_more_ways_to_say_yes_none_and_any(text: str, meaning: str, expected: bool) -> None:
    assert parsing.is_word(text, meaning) is expected


@pytest.mark.parametrize(
    ("text", "answer"),
    [
        ("yes", "yes"),
        ("yakin", "yes"),
        ("yes?", "no"),
        ("yakin?", "no"),
        ("wait what?", "no"),
        ("nggak yakin", "no"),
        ("tidak yakin", "no"),
        ("not sure", "no"),
        ("no", "no"),
        ("hmm", None),
    ],
)
def test_a_question_or_a_denied_yes_is_never_a_yes(text: str, answer: str | None) -> None:
    assert parsing.yes_or_no(text) == answer


@pytest.mark.parametrize(
    "text",
    ["ikut les privat", "les privat dong", "para pemula", "Las Vegas", "Los Angeles", "El Salvador", "que"],
)
def test_words_shared_with_indonesian_or_place_names_are_not_foreign(text: str) -> None:
    assert parsing.foreign_language(text) is False


@pytest.mark.parametrize(
    ("text", "hour", "minute"),
    [
        ("7 p.m.", 19, 0),
        ("7 p.m", 19, 0),
        ("7.30 p.m.", 19, 30),
        ("jam 1 siang", 13, 0),
        ("jam 11 siang", 11, 0),
        ("jam 12 siang", 12, 0),
        ("tengah malam", 0, 0),
        ("jam 12 tengah malam", 0, 0),
        ("midnight", 0, 0),
        ("noon", 12, 0),
        ("19.30", 19, 30),
    ],
)
def test_times_with_dots_midday_and_midnight(text: str, hour: int, minute: int) -> None:
    assert parsing.parse_time(text) == dt.time(hour, minute)


@pytest.mark.parametrize(
    ("text", "zone"),
    [
        ("Paris, Texas", "America/Chicago"),
        ("Perth, Scotland", "Europe/London"),
        ("London, Ontario", "America/Toronto"),
        ("Sydney, Nova Scotia", "America/Halifax"),
        ("Perth, Australia", "Australia/Perth"),
        ("Jakarta Selatan", "Asia/Jakarta"),
        ("jaksel", "Asia/Jakarta"),
        ("Texas", "America/Chicago"),
        ("California", "America/Los_Angeles"),
        ("Las Vegas", "America/Los_Angeles"),
        ("Anchorage", "America/Anchorage"),
        ("Lima", "America/Lima"),
        ("Lima, Peru", "America/Lima"),
        ("Berlin, Deutschland", "Europe/Berlin"),
        ("London, Paris", None),  # two cities that disagree
        ("Paris, Blah", None),  # a part we do not know
        ("Indonesia", None),  # several zones: asked about
    ],
)
def test_time_zones_read_part_by_part_must_agree(text: str, zone: str | None) -> None:
    assert parse_timezone(text) == zone


def test_a_country_with_several_zones_offers_them() -> None:
    answer = read_timezone("Indonesia")
    assert answer.choices == ("Asia/Jakarta", "Asia/Makassar", "Asia/Jayapura")


@pytest.mark.parametrize(
    ("text", "window"),
    [
        ("22:00-07:00", (dt.time(22), dt.time(7))),
        ("10pm to 7am", (dt.time(22), dt.time(7))),
        ("jam 10 malam sampai jam 7 pagi", (dt.time(22), dt.time(7))),
        ("23.00 s/d 06.00", (dt.time(23), dt.time(6))),
        ("11pm until 6am", (dt.time(23), dt.time(6))),
        ("22:00-22:00", None),
        ("tomorrow", None),
    ],
)
def test_quiet_hours_ranges(text: str, window: tuple[dt.time, dt.time] | None) -> None:
    assert parsing.parse_time_range(text) == window


@pytest.mark.parametrize(
    ("text", "done"), [("done", True), ("selesai", True), ("that's all", True), ("python", False)]
)
def test_words_that_finish_a_multi_choice_answer(text: str, done: bool) -> None:
    assert parsing.is_word(text, "done_words") is done
