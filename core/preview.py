"""What the terminal shows until the conversation lands: an honest summary of the catalog."""

from __future__ import annotations

from core.catalog import Catalog
from core.catalog.schema import CostModel, SkillKind
from core.i18n import t

EXAMPLE_GOALS = 4


def catalog_preview(catalog: Catalog, language: str) -> list[str]:
    """Paragraphs describing the catalog and what is coming, in ``language``."""
    courses = catalog.courses.values()
    examples = ", ".join(goal.name.get(language) for goal in list(catalog.goals.values())[:EXAMPLE_GOALS])
    return [
        t("preview.title", language),
        t(
            "preview.catalog",
            language,
            courses=len(catalog.courses),
            providers=len(catalog.providers),
            free=sum(course.cost.model is CostModel.FREE for course in courses),
            indonesian=len(catalog.courses_in_language("id")),
        ),
        t(
            "preview.taxonomy",
            language,
            skills=len(catalog.skills),
            hard=len(catalog.skills_of_kind(SkillKind.HARD)),
            soft=len(catalog.skills_of_kind(SkillKind.SOFT)),
            digital=len(catalog.skills_of_kind(SkillKind.DIGITAL_LITERACY)),
            goals=len(catalog.goals),
            examples=examples,
        ),
        t("preview.coming", language),
    ]
