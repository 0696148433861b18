"""Everything one verification needs from outside: the network (with its budget), the JSON-LD
contexts, the clock and the learner's email.  Passing it explicitly keeps every verifier a pure
function of its inputs, which is what lets the tests pin time and serve the network locally."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from core.badges.jsonld.contexts import ContextStore
    from core.badges.net.fetcher import FetchSession


@dataclass(frozen=True, slots=True)
class VerificationRun:
    fetch: FetchSession
    contexts: ContextStore
    now: dt.datetime
    recipient_email: str | None = None  # compared locally only: never sent, never logged
