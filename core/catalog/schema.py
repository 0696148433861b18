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

    @model_validator(mode="after")
    def _digcomp_area_matches_kind(self) -> Self:
        if self.kind is SkillKind.DIGITAL_LITERACY and self.digcomp_area is None:
            raise ValueError("a digital-literacy skill needs digcomp_area")
        if self.kind is not SkillKind.DIGITAL_LITERACY and self.digcomp_area is not None:
            raise ValueError("only digital-literacy skills have a digcomp_area")
        return self


Weight = Annotated[float, Field(gt=0, le=1)]


class Goal(StrictModel):
    """A role or outcome a learner can aim for, with how much each skill matters (0 < weight <= 1)."""

    id: Slug
    name: LocalizedText
    aliases: LocalizedAliases = Field(default_factory=LocalizedAliases)
    skills: dict[Slug, Weight] = Field(min_length=3)


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
    id: Slug
    title: NonEmptyText
    provider: NonEmptyText
    platform: NonEmptyText
    url: HttpsUrl
    skills: list[Slug] = Field(min_length=1)
    level: Level
    hours: Annotated[float, Field(gt=0, le=2000)]
    cost: Cost
    format: CourseFormat
    languages: list[LanguageCode] = Field(min_length=1)
    credential: Credential
    recognition: Recognition
    prerequisites: list[Slug] = Field(default_factory=list)
    prerequisite_skills: list[Slug] = Field(default_factory=list)
    pathway: NonEmptyText | None = None
    last_checked: dt.date
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


class SkillsFile(StrictModel):
    skills: list[Skill]


class GoalsFile(StrictModel):
    goals: list[Goal]


class CoursesFile(StrictModel):
    courses: list[Course]
