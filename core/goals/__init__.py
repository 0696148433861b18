"""Goals as learners state them: roles, skills, career changes, vague wishes (:mod:`core.goals.intent`)."""

from core.goals.intent import GoalIntent, IntentKind
from core.goals.reader import GoalReader
from core.goals.shortlist import ShortlistItem
from core.goals.target import GoalTarget
from core.goals.vocabulary import GoalVocabulary, check_goal_vocabulary, load_goal_vocabulary

__all__ = [
    "GoalIntent",
    "GoalReader",
    "GoalTarget",
    "GoalVocabulary",
    "IntentKind",
    "ShortlistItem",
    "check_goal_vocabulary",
    "load_goal_vocabulary",
]
