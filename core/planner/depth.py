"""How deep a goal needs each skill, and how much of that depth a course adds.

Depth is measured in study hours on courses whose *main* skill it is: 30 hours of SQL courses
is a working analyst's SQL, a 2-hour module that mentions SQL is not.  A goal may say how many
hours a skill needs (``Goal.depth``); otherwise the skill's weight decides, on the scale a
coach uses: core skills about a course's worth of practice, useful ones a short course.  Soft
and digital-literacy skills are capped lower: they grow with use, not with hours of video.

A learner's level counts as depth already there: an intermediate learner has the first third
of every hard skill (the foundations), an advanced one two thirds.  The same thirds say when a
course is within reach: an intermediate course needs the first third of its main skill, an
advanced one two thirds.
"""

from __future__ import annotations

from collections.abc import Mapping

from core.catalog.schema import Course, Goal, Level, Skill, SkillKind

DEPTH_BY_WEIGHT = ((0.9, 30.0), (0.6, 15.0), (0.0, 8.0))  # (weight at least, hours)
NON_HARD_DEPTH_CAP = 10.0
DEEPER_FACTOR = 1.5  # "go deeper": next-level targets for the skills that matter most
DEEPER_MIN_WEIGHT = 0.6
LEVEL_SHARE = {Level.BEGINNER: 0.0, Level.INTERMEDIATE: 1 / 3, Level.ADVANCED: 2 / 3}


def target_hours(skill: Skill, weight: float, goal: Goal | None) -> float:
    """Study hours ``skill`` needs for ``goal`` (a skill goal, ``goal`` None, uses the weight)."""
    if goal is not None and skill.id in goal.depth:
        return goal.depth[skill.id]
    hours = next(hours for least, hours in DEPTH_BY_WEIGHT if weight >= least)
    return hours if skill.kind is SkillKind.HARD else min(hours, NON_HARD_DEPTH_CAP)


def level_credit(skill: Skill, target: float, level: Level) -> float:
    """Depth the learner's level already gives: foundations of hard skills only."""
    return target * LEVEL_SHARE[level] if skill.kind is SkillKind.HARD else 0.0


def reach_needed(course: Course, target: float) -> float:
    """Depth of the course's first main skill a learner needs before ``course`` is within reach."""
    return target * LEVEL_SHARE[course.level]


def contribution(course: Course, hours: float | None = None) -> Mapping[str, float]:
    """Depth each main skill gains from ``hours`` of ``course`` (all of it by default)."""
    studied = course.hours if hours is None else hours
    share = studied / len(course.main_skills)
    return dict.fromkeys(course.main_skills, share)
