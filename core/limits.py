"""Limits on what a learner may ask the planner for, the same in the chat and on the command line.

Standard library only: ``skillstack``'s argument parsing reads them before anything heavy loads.
"""

from __future__ import annotations

# Half an hour a week is the least that still moves a plan; sixty is a full-time job's worth of
# study, beyond which a plan stops being one a person can keep.  The onboarding question, the
# plan's "less"/"more" buttons and ``skillstack plan --hours`` all hold to this range.
MIN_HOURS_PER_WEEK = 0.5
MAX_HOURS_PER_WEEK = 60.0
