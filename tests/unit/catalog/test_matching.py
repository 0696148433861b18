"""Matching free text to goals, skills and courses: a table of phrasings in both languages, and edge cases."""

from __future__ import annotations

from collections import Counter

import pytest

from core.catalog import Catalog
from core.catalog.matching import CONFIDENT_SCORE, Matcher, MatchStatus, normalize

PHRASES = [
    ("I want to become a data analyst", "data-analyst"),
    ("data analyst", "data-analyst"),
    ("dta analist", "data-analyst"),
    ("analyze data for a living", "data-analyst"),
    ("saya ingin menjadi analis data", "data-analyst"),
    ("jadi analis data", "data-analyst"),
    ("data scientist", "data-scientist"),
    ("mau jadi data scientist", "data-scientist"),
    ("machine learning engineer", "machine-learning-engineer"),
    ("build AI models", "machine-learning-engineer"),
    ("business intelligence analyst", "business-intelligence-analyst"),
    ("make dashboards in power bi", "business-intelligence-analyst"),
    ("wanna make websites", "web-developer"),
    ("build websites", "web-developer"),
    ("jadi web developer", "web-developer"),
    ("bikin website", "web-developer"),
    ("web develper", "web-developer"),
    ("front end developer", "front-end-developer"),
    ("frontend dev with react", "front-end-developer"),
    ("backend developer", "back-end-developer"),
    ("build APIs and servers", "back-end-developer"),
    ("mobile app developer", "mobile-developer"),
    ("bikin aplikasi android", "mobile-developer"),
    ("UX designer", "ux-designer"),
    ("ux desainer", "ux-designer"),
    ("design apps people love to use", "ux-designer"),
    ("graphic designer", "graphic-designer"),
    ("desain grafis", "graphic-designer"),
    ("digital marketer", "digital-marketer"),
    ("digital marketing", "digital-marketer"),
    ("pemasaran digital", "digital-marketer"),
    ("social media manager", "social-media-manager"),
    ("kelola media sosial", "social-media-manager"),
    ("content creator", "content-creator"),
    ("youtuber", "content-creator"),
    ("cloud practitioner", "cloud-practitioner"),
    ("learn cloud computing basics", "cloud-practitioner"),
    ("cloud engineer", "cloud-engineer"),
    ("devops engineer", "devops-engineer"),
    ("protect my company from hackers", "cybersecurity-analyst"),
    ("cybersecurity analyst", "cybersecurity-analyst"),
    ("keamanan siber", "cybersecurity-analyst"),
    ("IT support", "it-support-specialist"),
    ("fix computers for people", "it-support-specialist"),
    ("network administrator", "network-administrator"),
    ("project manager", "project-manager"),
    ("manajer proyek", "project-manager"),
    ("product manager", "product-manager"),
    ("business analyst", "business-analyst"),
    ("jualan online", "online-seller"),
    ("sell my products online", "online-seller"),
    ("buka toko online di shopee", "online-seller"),
    ("start my own business", "entrepreneur"),
    ("teacher using digital tools", "teacher-digital-tools"),
    ("guru yang mengajar online", "teacher-digital-tools"),
    ("belajar excel untuk kerja kantoran", "office-administrator"),
    ("office administrator", "office-administrator"),
    ("use chatgpt at work", "ai-at-work"),
    ("stay safe online", "digital-citizen"),
    ("software developer", "software-developer"),
    ("programmer", "software-developer"),
    ("sales representative", "sales-representative"),
    ("data engineer", "data-engineer"),
    ("software tester", "software-tester"),
    ("video editor", "video-editor"),
    ("customer service", "customer-service-representative"),
    ("penetration tester", "penetration-tester"),
    ("ethical hacker", "penetration-tester"),
]


@pytest.fixture(scope="module")
def matcher(catalog: Catalog) -> Matcher:
    return Matcher(catalog)


def test_the_table_is_big_enough_and_bilingual() -> None:
    assert len(PHRASES) >= 60
    indonesian_words = {
        "jadi",
        "saya",
        "bikin",
        "belajar",
        "jualan",
        "guru",
        "keamanan",
        "manajer",
        "kelola",
        "desain",
        "pemasaran",
        "buka",
        "mau",
        "ux desainer",
    }
    assert sum(any(word in text for word in indonesian_words) for text, _ in PHRASES) >= 15


@pytest.mark.parametrize(("text", "goal"), PHRASES)
def test_phrasing_finds_its_goal(matcher: Matcher, text: str, goal: str) -> None:
    result = matcher.match(text)
    assert result.best_goal is not None, (text, result.goals[:3])
    assert result.best_goal.id == goal


@pytest.mark.parametrize("text", ["", "   ", "?!", "a", "🙂🙂🙂", "👩‍💻🚀"])
def test_too_short_input_gets_a_clear_status(matcher: Matcher, text: str) -> None:
    result = matcher.match(text)
    assert result.status is MatchStatus.TOO_SHORT
    assert result.best_goal is None


def test_ten_thousand_characters_do_not_break_matching(matcher: Matcher) -> None:
    result = matcher.match("I want to become a data analyst " + "blah " * 2000)
    assert len(result.normalized) <= 300
    assert result.best_goal is not None
    assert result.best_goal.id == "data-analyst"


@pytest.mark.parametrize("text", ["I like cooking pasta", "qwertyuiop asdfgh", "saya suka masak rendang"])
def test_unrelated_text_is_never_a_confident_goal(matcher: Matcher, text: str) -> None:
    result = matcher.match(text)
    assert result.best_goal is None
    assert result.status in (MatchStatus.NO_MATCH, MatchStatus.UNSURE)


def test_a_weak_match_offers_suggestions_instead_of_picking(matcher: Matcher) -> None:
    result = matcher.match("analyst")
    assert result.status is not MatchStatus.NO_MATCH
    assert len(result.goals) >= 2
    if result.best_goal is None:
        assert result.status is MatchStatus.UNSURE
        assert all(goal.score < CONFIDENT_SCORE for goal in result.goals)


def test_accents_case_and_punctuation_do_not_matter(matcher: Matcher) -> None:
    plain = matcher.match("ux designer")
    fancy = matcher.match("  ÜX   Désigner!!! ")
    assert [(m.id, m.score) for m in plain.goals] == [(m.id, m.score) for m in fancy.goals]


def test_short_aliases_do_not_match_inside_words(matcher: Matcher) -> None:
    result = matcher.match("bikin kue")  # "bi" (business intelligence) must not fire inside "bikin"
    assert "power-bi" not in [m.id for m in result.skills if m.score >= CONFIDENT_SCORE]
    assert "business-intelligence-analyst" not in [m.id for m in result.goals if m.score >= CONFIDENT_SCORE]


def test_ranking_is_deterministic(catalog: Catalog) -> None:
    first = Matcher(catalog).match("developer")
    second = Matcher(catalog).match("developer")
    assert first == second
    scores = [(m.score, m.id) for m in first.goals]
    assert scores == sorted(scores, key=lambda pair: (-pair[0], pair[1]))


def test_skills_are_ranked_too(matcher: Matcher) -> None:
    result = matcher.match("belajar excel")
    assert result.skills[0].id == "spreadsheets"


@pytest.mark.parametrize(
    ("text", "course_prefix"),
    [
        ("python", None),
        ("google data analytics", "google-da-"),
        ("aws cloud practitioner", "aws-"),
        ("Elements of AI", "uh-"),
        ("belajar javascript dicoding", "dicoding-"),
    ],
)
def test_find_courses_by_title_provider_or_skill(
    matcher: Matcher, catalog: Catalog, text: str, course_prefix: str | None
) -> None:
    found = matcher.find_courses(text)
    assert found, text
    if course_prefix:
        assert found[0].id.startswith(course_prefix), found[:3]
    else:
        assert all("python" in catalog.courses[m.id].skills for m in found[:5])


def test_find_courses_combines_provider_and_skill(matcher: Matcher, catalog: Catalog) -> None:
    found = matcher.find_courses("coursera sql")
    top = [catalog.courses[m.id] for m in found[:4]]
    assert all(course.platform == "Coursera" and "sql" in course.skills for course in top)


def test_find_courses_puts_a_course_typed_by_its_exact_title_first(
    matcher: Matcher, catalog: Catalog
) -> None:
    """Longer titles that contain it (a certificate's several courses) must not push it out of the choices."""
    titles = Counter(normalize(course.title) for course in catalog.courses.values())
    missed = [
        course.id
        for course in catalog.courses.values()
        if titles[normalize(course.title)] == 1
        and matcher.find_courses(course.title, limit=1)[0].id != course.id
    ]
    assert missed == []


def test_find_courses_with_nothing_to_find(matcher: Matcher) -> None:
    assert matcher.find_courses("🙂") == []
    assert matcher.find_courses("zzzzqqqq xxyyzz") == []
