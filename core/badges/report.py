"""What a verification found: named checks, each passed / failed / skipped with a reason.

The overall status is derived, never set by hand, so no code path can call a badge "verified"
while one of its checks failed or a required check could not run:

- ``invalid`` when any check failed (the first failing check is named);
- ``unverifiable`` when nothing failed but a *required* check was skipped (no signature,
  revocation not checkable, unknown context...);
- ``verified`` otherwise.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from core.badges.jsonld.values import dicts, strings
from core.badges.net.rules import FetchCause

MAX_DECLARED_SKILLS = 20
MAX_SKILL_NAME = 100


class Outcome(StrEnum):
    PASSED = "passed"
    FAILED = "failed"
    SKIPPED = "skipped"


class CheckName(StrEnum):
    """Every check the verifier runs, in the order a report lists them: the one catalogue of check
    names.  A check under any other name cannot be made, and every name has a label for the
    learner (``badges.check.<name>`` in each locale)."""

    FORMAT = "format"
    FETCH = "fetch"
    CONTEXT = "context"
    PROPERTIES = "properties"
    SIGNATURE = "signature"
    KEY = "key"
    ISSUER = "issuer"
    ORIGIN = "origin"
    REVOCATION = "revocation"
    EXPIRY = "expiry"
    ISSUED = "issued"
    RECIPIENT = "recipient"
    CANONICALIZATION = "canonicalization"


class Status(StrEnum):
    VERIFIED = "verified"
    INVALID = "invalid"
    UNVERIFIABLE = "unverifiable"


@dataclass(frozen=True, slots=True)
class Check:
    """One check. ``required=False`` marks a check whose skipping does not weaken the verdict
    (the recipient check when the learner gave no email, say)."""

    name: CheckName
    result: Outcome
    detail: str
    required: bool = True

    @classmethod
    def passed(cls, name: str, detail: str, *, required: bool = True) -> Check:
        return cls(CheckName(name), Outcome.PASSED, detail, required)

    @classmethod
    def failed(cls, name: str, detail: str) -> Check:
        return cls(CheckName(name), Outcome.FAILED, detail, True)

    @classmethod
    def skipped(cls, name: str, detail: str, *, required: bool = True) -> Check:
        return cls(CheckName(name), Outcome.SKIPPED, detail, required)


@dataclass(frozen=True, slots=True)
class Recognition:
    """The registered provider the identity a verification established belongs to (see
    :mod:`core.badges.issuers`), and which registered identity matched."""

    provider: str
    name: str
    via: str
    catalog_names: tuple[str, ...]

    def to_json(self) -> dict[str, str]:
        return {"provider": self.provider, "via": self.via}

    def covers(self, provider: str, platform: str) -> bool:
        """Whether a course of this provider (or on this platform) may be credited."""
        return provider in self.catalog_names or platform in self.catalog_names


@dataclass(slots=True)
class Report:
    """A verification's findings plus what the badge says about itself (for display and storage)."""

    format: str
    checks: list[Check] = field(default_factory=list)
    issuer_id: str | None = None
    issuer_name: str | None = None
    badge_name: str | None = None
    badge_description: str | None = None
    recipient_match: bool | None = None
    issued: dt.datetime | None = None
    expires: dt.datetime | None = None
    source_url: str | None = None
    skills: list[str] = field(default_factory=list)  # tags and alignment names the badge declares
    credential: Any = None  # the original badge document (dict) or token (str), kept for export
    recognition: Recognition | None = None  # the registered provider the checks tied it to (issuers.py)
    fetch_cause: FetchCause | None = None  # why the badge itself could not be fetched, when it could not

    @property
    def unread(self) -> bool:
        """Nothing of the badge could be read: no name, and no issuer either or a fetch that failed
        (a link that could not be reached, a document that is no badge).  Nothing to record, only
        to explain (a certificate link names its platform before the page is fetched)."""
        return not self.badge_name and (not self.issuer_name or self.fetch_cause is not None)

    def add(self, check: Check) -> Check:
        self.checks.append(check)
        return check

    @property
    def status(self) -> Status:
        if any(check.result is Outcome.FAILED for check in self.checks):
            return Status.INVALID
        if not self.checks or any(
            check.result is Outcome.SKIPPED and check.required for check in self.checks
        ):
            return Status.UNVERIFIABLE
        return Status.VERIFIED

    @property
    def deciding_check(self) -> Check | None:
        """The check behind a status other than verified: the first failure, else the first required
        skip (None when verified, or when there were no checks at all)."""
        failed = [check for check in self.checks if check.result is Outcome.FAILED]
        skipped = [check for check in self.checks if check.result is Outcome.SKIPPED and check.required]
        return next(iter(failed or skipped), None)

    @property
    def reason(self) -> str:
        """The one line that explains the status."""
        check = self.deciding_check
        if check is not None:
            return f"{check.name}: {check.detail}"
        return "all checks passed" if self.checks else "nothing could be checked"

    def to_json(self) -> dict[str, Any]:
        """The shape ``skillstack verify --json`` prints (and the badge row stores)."""
        return {
            "status": self.status.value,
            "format": self.format,
            "issuer": {"id": self.issuer_id, "name": self.issuer_name},
            "badge": {"name": self.badge_name, "description": self.badge_description},
            "issuer_recognized": self.recognition.to_json() if self.recognition else None,
            "recipient_match": self.recipient_match,
            "issued": _iso(self.issued),
            "expires": _iso(self.expires),
            "checks": [
                {"name": check.name, "result": check.result.value, "detail": check.detail}
                for check in self.checks
            ],
        }


def declared_skills(badge: Any) -> list[str]:
    """Skill names an OB 2.0 BadgeClass or OB 3.0 Achievement declares: its tags (``tags`` / ``tag``)
    and the ``targetName`` of each alignment.  Display and matching only; nothing is trusted."""
    if not isinstance(badge, dict):
        return []
    names = [*strings(badge.get("tags")), *strings(badge.get("tag"))]
    names += strings([alignment.get("targetName") for alignment in dicts(badge.get("alignment"))])
    found = [name.strip()[:MAX_SKILL_NAME] for name in names if name.strip()]
    return list(dict.fromkeys(found))[:MAX_DECLARED_SKILLS]


def _iso(moment: dt.datetime | None) -> str | None:
    return moment.isoformat().replace("+00:00", "Z") if moment else None
