"""Goal intents and targets as a learner reads them: labels, shortlists, transferable skills.

Shared by the chat and the command line; the sentences come from the locale files.
"""

from __future__ import annotations

from collections.abc import Iterable

from core.catalog import Catalog
from core.goals.intent import IntentKind
from core.goals.reader import GoalReader
from core.goals.shortlist import ShortlistItem
from core.goals.target import GoalTarget
from core.i18n import join_list, t


def skill_list(catalog: Catalog, skills: Iterable[str], language: str) -> str:
    """Skill names, joined as the language joins a list ("SQL, Python and Excel")."""
    names = [catalog.skills[s].name.get(language) for s in skills if s in catalog.skills]
    return join_list(names, language)


def origin_name(reader: GoalReader, origin_id: str | None, language: str) -> str | None:
    origin = reader.origins.get(origin_id or "")
    return origin.name.get(language) if origin is not None else None


def target_label(catalog: Catalog, reader: GoalReader, target: GoalTarget, language: str) -> str:
    """One line naming what a plan will aim at: "UX/UI designer, coming from teaching"."""
    goal = catalog.goals.get(target.goal or "")
    skills = skill_list(catalog, target.skills, language)
    if goal is None:
        label = t("goals.target_skills", language, skills=skills)
    elif target.skills:
        label = t("goals.target_focus", language, goal=goal.name.get(language), skills=skills)
    else:
        label = t("goals.target_goal", language, goal=goal.name.get(language))
    origin = origin_name(reader, target.origin, language)
    return t("goals.target_change", language, target=label, origin=origin) if origin else label


def transferable_sentence(
    catalog: Catalog, reader: GoalReader, target: GoalTarget, language: str
) -> str | None:
    """What a career changer brings that the goal needs, or None when nothing carries over."""
    held = target.counted_as_held(catalog)
    origin = origin_name(reader, target.origin, language)
    if not held or origin is None:
        return None
    ordered = sorted(held, key=lambda skill: (-target.goal_skills(catalog)[skill], skill))
    return t("goals.transferable", language, origin=origin, skills=skill_list(catalog, ordered, language))


def shortlist_line(catalog: Catalog, item: ShortlistItem, language: str) -> str:
    """ "• Data analyst: turns data into answers... First credential: Google Data Analytics..."."""
    line = t("goals.shortlist_name", language, name=catalog.goals[item.goal].name.get(language))
    if item.summary is not None:
        line += t("goals.shortlist_summary", language, summary=item.summary.get(language))
    credential = item.credential(language)
    if credential:
        line += t("goals.shortlist_credential", language, credential=credential)
    return line


def shortlist_intro(reader: GoalReader, kind: IntentKind, origin_id: str | None, language: str) -> str:
    """The sentence before a list of paths: where people from the learner's work go, paths that fit
    a vague wish, or which of a few goals they mean."""
    origin = origin_name(reader, origin_id, language)
    if origin is not None:
        return t("goals.shortlist_intro_change", language, origin=origin)
    if kind is IntentKind.VAGUE:
        return t("goals.shortlist_intro", language)
    return t("ask.confirm_goal", language)


def shortlist_text(
    catalog: Catalog,
    reader: GoalReader,
    kind: IntentKind,
    goals: list[str],
    origin_id: str | None,
    language: str,
) -> list[str]:
    """The intro and one line per path (what the work is, its first credential)."""
    lines = [shortlist_line(catalog, reader.shortlist_item(goal), language) for goal in goals]
    return [shortlist_intro(reader, kind, origin_id, language), *lines]
