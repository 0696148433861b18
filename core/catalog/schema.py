"""The shape of the curated catalog: skills, goals and courses, as pydantic models.

The files under ``data/`` are edited by people (educators, curators), so the schema is
strict: unknown fields are rejected (a typo such as ``hourz`` must not silently vanish),
ids are slugs, numbers are non-negative, and a digital-literacy skill must say which DigComp
area it belongs to.  Cross-entry rules (unknown skill ids, duplicate ids, prerequisite
cycles) need the whole catalog and live in :mod:`core.catalog.validation`.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Self

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, HttpUrl, model_validator

SLUG_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"
Slug = Annotated[str, Field(pattern=SLUG_PATTERN, max_length=80)]
LanguageCode = Annotated[str, Field(pattern=r"^[a-z]{2}$")]
CurrencyCode = Annotated[str, Field(pattern=r"^[A-Z]{3}$")]
NonEmptyText = Annotated[str, Field(min_length=1, max_length=300)]


def _https_only(url: HttpUrl) -> HttpUrl:
    """Catalog links are shown to learners; a plain-http link is a curation mistake."""
    if url.scheme != "https":
        raise ValueError("must be an https:// URL")
    return url


HttpsUrl = Annotated[HttpUrl, AfterValidator(_https_only)]


class Level(StrEnum):
    BEGINNER = "beginner"
    INTERMEDIATE = "intermediate"
    ADVANCED = "advanced"

    @property
    def rank(self) -> int:
        """Order of levels, so the planner can compare them."""
        return _LEVEL_RANKS[self]


_LEVEL_RANKS = {level: index for index, level in enumerate(Level)}


class SkillKind(StrEnum):
    HARD = "hard"
    SOFT = "soft"
    DIGITAL_LITERACY = "digital-literacy"


class DigCompArea(StrEnum):
    """The five competence areas of the EU DigComp framework."""

    INFORMATION_AND_DATA_LITERACY = "information-and-data-literacy"
    COMMUNICATION_AND_COLLABORATION = "communication-and-collaboration"
    DIGITAL_CONTENT_CREATION = "digital-content-creation"
    SAFETY = "safety"
    PROBLEM_SOLVING = "problem-solving"


class CostModel(StrEnum):
    FREE = "free"
    SUBSCRIPTION = "subscription"  # amount is per month
    ONE_OFF = "one-off"


class CourseFormat(StrEnum):
    SELF_PACED = "self-paced"
    COHORT = "cohort"
    BOOTCAMP = "bootcamp"


class CourseKind(StrEnum):
    """What a catalog entry is: something to study, an exam to sit, or a project to build."""

    COURSE = "course"
    EXAM = "exam"  # a certification exam: a plan item with its fee, after its preparation
    PROJECT = "project"  # a portfolio project: applying what was learned (localized title and brief)


class CredentialKind(StrEnum):
    CERTIFICATE = "certificate"
    OPEN_BADGE = "open-badge"
    NONE = "none"


class Recognition(StrEnum):
    INDUSTRY = "industry"
    ACADEMIC = "academic"
    NONE = "none"


class StrictModel(BaseModel):
    """Base for catalog models: reject unknown keys, keep instances immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class LocalizedText(StrictModel):
    """A display text in every language SkillStack speaks."""

    en: NonEmptyText
    id: NonEmptyText

    def get(self, language: str) -> str:
        return self.id if language == "id" else self.en


class LocalizedAliases(StrictModel):
    """Other ways learners name a skill or goal, per language (used by fuzzy matching)."""

    en: list[NonEmptyText] = Field(default_factory=list)
    id: list[NonEmptyText] = Field(default_factory=list)

    def all(self) -> list[str]:
        return [*self.en, *self.id]


class Skill(StrictModel):
    id: Slug
    name: LocalizedText
    kind: SkillKind
    digcomp_area: DigCompArea | None = None
    aliases: LocalizedAliases = Field(default_factory=LocalizedAliases)
    beginner_only: bool = False  # basics (using a computer) that only a beginner is planned for

    @model_validator(mode="after")
    def _digcomp_area_matches_kind(self) -> Self:
        if self.kind is SkillKind.DIGITAL_LITERACY and self.digcomp_area is None:
            raise ValueError("a digital-literacy skill needs digcomp_area")
        if self.kind is not SkillKind.DIGITAL_LITERACY and self.digcomp_area is not None:
            raise ValueError("only digital-literacy skills have a digcomp_area")
        return self


Weight = Annotated[float, Field(gt=0, le=1)]


Hours = Annotated[float, Field(gt=0, le=500)]


class Goal(StrictModel):
    """A role or outcome a learner can aim for.

    ``skills`` says how much each skill matters (0 < weight <= 1); ``depth`` overrides the study
    hours a skill needs for this goal (otherwise :func:`core.planner.depth.target_hours` derives
    them from the weight); ``projects`` are the portfolio projects that apply the goal's skills,
    in the order a coach would set them; ``next_goals`` are where a learner who completes this
    goal can go on to.
    """

    id: Slug
    name: LocalizedText
    summary: LocalizedText | None = None  # one line: what the work is (shown in a shortlist)
    aliases: LocalizedAliases = Field(default_factory=LocalizedAliases)
    skills: dict[Slug, Weight] = Field(min_length=3)
    depth: dict[Slug, Hours] = Field(default_factory=dict)
    projects: list[Slug] = Field(default_factory=list)
    next_goals: list[Slug] = Field(default_factory=list)

    @model_validator(mode="after")
    def _depth_is_for_goal_skills(self) -> Self:
        stray = sorted(set(self.depth) - set(self.skills))
        if stray:
            raise ValueError(f"depth names skills the goal does not list: {', '.join(stray)}")
        return self


class Cost(StrictModel):
    """What a learner pays for the credential (not just to watch the videos)."""

    model: CostModel
    amount: Annotated[Decimal, Field(ge=0, max_digits=10, decimal_places=2)] = Decimal(0)
    currency: CurrencyCode = "USD"
    audit_free: bool = False  # the material can be studied free; only the credential costs

    @model_validator(mode="after")
    def _amount_matches_model(self) -> Self:
        if self.model is CostModel.FREE and self.amount != 0:
            raise ValueError("a free course has amount 0")
        if self.model is not CostModel.FREE and self.amount == 0:
            raise ValueError(f"a {self.model.value} course needs an amount above 0")
        return self


class Credential(StrictModel):
    kind: CredentialKind
    platform: Slug | None = None  # e.g. credly, coursera, microsoft-learn


class Course(StrictModel):
    """One catalog entry.

    ``skills`` is everything the course teaches or touches; ``main_skills`` (a non-empty part of
    it) is what it is mostly about.  Only main skills count towards a skill's depth, and a soft
    skill is served only by a course whose main skill it is.  Pathways (ordered certificate
    course lists) are kept apart, in a file's ``pathways:`` list, so their order is said once.
    """

    id: Slug
    kind: CourseKind = CourseKind.COURSE
    title: NonEmptyText
    localized_title: LocalizedText | None = None  # required for projects (SkillStack's own text)
    brief: LocalizedText | None = None  # a project's task, in a sentence or two
    provider: NonEmptyText
    platform: NonEmptyText
    url: HttpsUrl
    skills: list[Slug] = Field(min_length=1)
    main_skills: list[Slug] = Field(min_length=1)
    level: Level
    hours: Annotated[float, Field(gt=0, le=2000)]
    cost: Cost
    format: CourseFormat
    languages: list[LanguageCode] = Field(min_length=1)
    credential: Credential
    recognition: Recognition
    prerequisites: list[Slug] = Field(default_factory=list)
    prerequisite_skills: list[Slug] = Field(default_factory=list)
    last_checked: dt.date
    notes: str | None = Field(default=None, max_length=500)

    @model_validator(mode="after")
    def _main_skills_are_skills(self) -> Self:
        stray = [skill for skill in self.main_skills if skill not in self.skills]
        if stray:
            raise ValueError(f"main_skills must also be in skills: {', '.join(stray)}")
        if self.kind is CourseKind.PROJECT and (self.localized_title is None or self.brief is None):
            raise ValueError("a project needs localized_title and brief (SkillStack writes its text)")
        return self

    def display_title(self, language: str) -> str:
        """The title a learner reads: a project's in their language, a course's as published."""
        return self.localized_title.get(language) if self.localized_title else self.title


class Pathway(StrictModel):
    """A recognised certificate or learning path: its courses in the order the provider sets.

    A plan that starts a pathway continues it in this order (or says what is left), and books
    ``exam`` (a course entry of kind exam) once the courses are done.
    """

    id: Slug
    name: NonEmptyText
    provider: NonEmptyText
    url: HttpsUrl
    courses: list[Slug] = Field(min_length=2)
    exam: Slug | None = None
    notes: str | None = Field(default=None, max_length=500)


class CurrenciesFile(StrictModel):
    """Approximate exchange rates, so a price in IDR can be compared with a budget in USD."""

    last_checked: dt.date
    units_per_usd: dict[CurrencyCode, Annotated[Decimal, Field(gt=0)]]

    @model_validator(mode="after")
    def _usd_is_the_base(self) -> Self:
        if self.units_per_usd.get("USD") != 1:
            raise ValueError("units_per_usd must contain USD: 1")
        return self
