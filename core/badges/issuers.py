"""Who really issued a badge: the curated issuer registry and the recognition of a verified report.

A valid signature proves a key, not a brand: anyone can make a did:key, sign a badge whose issuer
calls itself "Microsoft", and it verifies.  So a badge is credited to a provider's catalog course
only when the identity the *verification established* is one the registry (``data/issuers.yaml``)
lists for that provider.  What counts as established depends on what the checks proved:

- a Data Integrity or VC-JWT credential: the issuer id whose key verified ("key" and "signature"
  checks passed): a did:web domain, an https issuer URL, a did:key only when listed as such;
- an OB 2.0 hosted assertion: the issuer Profile URL the "origin" check tied the assertion to (the
  Profile read from its own id, the "issuer" check); an OB 2.0 signed assertion: the Profile whose
  listed key verified ("key" and "signature");
- a Credly / Badgr link: the same, and the Profile URL names the platform's organisation id;
- a Coursera / edX certificate page: the domain the page was found on (the "issuer" check).  Such
  a page stays *unverifiable* (nothing is signed), but it does prove the platform shows that
  certificate, so it is recognised for that platform's courses and no others.

Nothing the badge says about itself (its issuer name, an embedded Profile) is ever matched.  An
invalid report is never recognised.  Each registry entry cites a public source and the date it was
checked, like the catalog; :func:`check_registry` reports every problem at once.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Annotated, Any, Self
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from core.badges.inputs import platforms
from core.badges.report import Outcome, Recognition, Report, Status
from core.catalog.loader import CatalogIssue, entry_label, field_path, read_checked
from core.catalog.model import Catalog
from core.catalog.schema import SLUG_PATTERN, HttpsUrl
from core.catalog.yaml_source import line_of
from core.settings import SHIPPED_DATA_DIR

REGISTRY_FILE = "issuers.yaml"
SHIPPED_REGISTRY = SHIPPED_DATA_DIR / REGISTRY_FILE
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_BADGR_ID = re.compile(r"[A-Za-z0-9_-]{10,64}")
_DOMAIN = re.compile(r"(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}")
_DID_KEY = re.compile(r"did:key:z[1-9A-HJ-NP-Za-km-z]{40,120}")
_CREDLY_HOSTS = ("api.credly.com", "www.credly.com", "credly.com")
_CREDLY_ISSUER_PATH = re.compile(rf"(?:/api)?/v1/obi/v2/issuers/({_UUID.pattern})/?")
_BADGR_HOSTS = ("api.badgr.io", "api.ca.badgr.io", "api.eu.badgr.io", "api.au.badgr.io")
_BADGR_ISSUER_PATH = re.compile(rf"/public/issuers/({_BADGR_ID.pattern})/?")
# Anyone can open an issuer account on these hosts: only an organisation id names a provider there.
SHARED_PLATFORM_HOSTS = (*_CREDLY_HOSTS, "youracclaim.com", "www.youracclaim.com", *_BADGR_HOSTS)
_ESTABLISHING_CHECKS = {  # format (prefix) -> the checks that tie the report to its issuer id
    "issuer-page": ("issuer",),
    "ob2-hosted": ("issuer", "origin"),
    "ob2-signed": ("issuer", "key", "signature"),
    "ob3-": ("key", "signature"),
    "vc-": ("key", "signature"),
}
IDENTITY_KINDS = ("did_web", "did_key", "issuer_url", "origin", "credly", "badgr", "certificate_page")


# --- the registry file ---------------------------------------------------------------------------


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Identity(_Strict):
    """One identity that really issues a provider's credentials (exactly one kind per entry)."""

    did_web: str | None = None  # a domain: did:web:<domain> and did:web:<domain>:<path...>
    did_key: str | None = None  # one did:key (only when the provider publishes it)
    issuer_url: str | None = None  # an exact https issuer id (an OB Profile URL)
    origin: str | None = None  # https://host[:port]: every https issuer id on that origin
    credly: str | None = None  # a Credly organisation id (UUID)
    badgr: str | None = None  # a Badgr / Canvas Credentials issuer entity id
    certificate_page: str | None = None  # a certificate platform's domain (coursera.org, edx.org)
    source: HttpsUrl
    checked: dt.date
    note: Annotated[str, Field(max_length=500)] | None = None

    @model_validator(mode="after")
    def _one_well_formed_identity(self) -> Self:
        given = [(kind, getattr(self, kind)) for kind in IDENTITY_KINDS if getattr(self, kind) is not None]
        if len(given) != 1:
            raise ValueError(f"give exactly one identity of: {', '.join(IDENTITY_KINDS)}")
        kind, value = given[0]
        problem = _identity_problem(kind, value)
        if problem:
            raise ValueError(f"{kind} {value!r}: {problem}")
        return self

    @property
    def kind(self) -> str:
        return next(kind for kind in IDENTITY_KINDS if getattr(self, kind) is not None)

    @property
    def value(self) -> str:
        return str(getattr(self, self.kind))

    @property
    def label(self) -> str:
        """How ``verify --json`` names the identity that matched ("credly:<uuid>", ...)."""
        return f"{self.kind}:{self.value}"


class Provider(_Strict):
    """A provider and the identities that issue its credentials.  ``catalog_names`` are the catalog
    provider or platform names whose courses such a badge may be credited to."""

    id: Annotated[str, Field(pattern=SLUG_PATTERN, max_length=80)]
    name: Annotated[str, Field(min_length=1, max_length=300)]
    catalog_names: list[Annotated[str, Field(min_length=1, max_length=300)]] = Field(min_length=1)
    identities: list[Identity] = Field(min_length=1)


class _RegistryFile(_Strict):
    providers: list[Provider]


def _identity_problem(kind: str, value: str) -> str | None:
    """Why ``value`` is not a well-formed identity of ``kind`` (None when it is)."""
    if kind in ("did_web", "certificate_page"):
        return None if _DOMAIN.fullmatch(value) else "must be a lower-case domain name"
    if kind == "did_key":
        return None if _DID_KEY.fullmatch(value) else "must be a did:key:z... identifier"
    if kind == "credly":
        return None if _UUID.fullmatch(value) else "must be a lower-case Credly organisation UUID"
    if kind == "badgr":
        return None if _BADGR_ID.fullmatch(value) else "must be a Badgr issuer entity id"
    parts = urlsplit(value)
    if parts.scheme != "https" or not parts.hostname or parts.username or parts.password:
        return "must be an https:// URL with a host"
    if parts.hostname.lower() in SHARED_PLATFORM_HOSTS:
        return "is a shared badge platform, where anyone can issue: register its organisation id instead"
    if kind == "origin" and (parts.path not in ("", "/") or parts.query or parts.fragment):
        return "must be an origin only (https://host[:port])"
    return None


# --- loading and checking --------------------------------------------------------------------------


@dataclass(frozen=True)
class IssuerRegistry:
    """The registered providers, ready for :func:`recognize`."""

    providers: tuple[Provider, ...]


class IssuerRegistryError(Exception):
    """The registry cannot be used; ``issues`` lists every problem found."""

    def __init__(self, issues: Sequence[CatalogIssue]) -> None:
        self.issues = sorted(issues)
        super().__init__(
            f"{len(self.issues)} issuer registry problem(s):\n" + "\n".join(map(str, self.issues))
        )


def check_registry(path: Path, catalog: Catalog | None) -> tuple[list[CatalogIssue], IssuerRegistry]:
    """Every problem in the registry file, and the registry of its valid providers.

    With ``catalog``, each provider's ``catalog_names`` must name catalog providers or platforms
    (so recognition can only ever restrict matching to courses that exist).
    """
    shown = str(path)
    document, problem = read_checked(path, shown)
    if problem is not None:
        return [problem], IssuerRegistry(())
    raw_providers = document.get("providers") if isinstance(document, dict) else None
    if not isinstance(raw_providers, list) or set(document) != {"providers"}:
        message = "expected a mapping with only a top-level 'providers:' list"
        return [CatalogIssue(shown, line_of(document), None, None, message)], IssuerRegistry(())
    issues: list[CatalogIssue] = []
    providers = [_provider(shown, index, raw, issues) for index, raw in enumerate(raw_providers)]
    valid = [provider for provider in providers if provider is not None]
    issues += _cross_check(shown, valid, raw_providers, catalog)
    return sorted(issues), IssuerRegistry(tuple(valid))


def load_registry(path: Path, catalog: Catalog | None = None) -> IssuerRegistry:
    """The registry at ``path``; raise :class:`IssuerRegistryError` listing every problem."""
    issues, registry = check_registry(path, catalog)
    if issues:
        raise IssuerRegistryError(issues)
    return registry


@cache
def shipped_registry() -> IssuerRegistry:
    """The registry shipped in ``data/`` (its catalog cross-check runs in ``catalog validate``
    and the tests; at run time a broken file still refuses to load)."""
    return load_registry(SHIPPED_REGISTRY)


def _provider(shown: str, index: int, raw: Any, issues: list[CatalogIssue]) -> Provider | None:
    label = entry_label("provider", raw, index)
    try:
        return Provider.model_validate(raw)
    except ValidationError as exc:
        for error in exc.errors():
            where = field_path(error["loc"]) or None
            message = str(error["msg"]).removeprefix("Value error, ")
            issues.append(CatalogIssue(shown, _line(raw, error["loc"]), label, where, message))
    return None


def _line(raw: Any, loc: Iterable[int | str]) -> int | None:
    """The line of the deepest mapping along ``loc`` (a curator fixes mistakes faster with it)."""
    node, line = raw, line_of(raw)
    for part in loc:
        if isinstance(node, dict) and part in node:
            line = line_of(node, str(part)) or line
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int) and part < len(node):
            node = node[part]
            line = line_of(node) or line
        else:
            break
    return line


def _cross_check(
    shown: str, providers: Sequence[Provider], raw: Sequence[Any], catalog: Catalog | None
) -> list[CatalogIssue]:
    issues: list[CatalogIssue] = []
    lines = {entry.get("id"): line_of(entry) for entry in raw if isinstance(entry, dict)}
    seen_ids: set[str] = set()
    owner_of: dict[str, str] = {}
    known = _catalog_names(catalog) if catalog is not None else None
    for provider in providers:
        label, line = f"provider {provider.id!r}", lines.get(provider.id)
        if provider.id in seen_ids:
            issues.append(CatalogIssue(shown, line, label, "id", "duplicate provider id"))
        seen_ids.add(provider.id)
        for name in provider.catalog_names:
            if known is not None and name not in known:
                message = f"unknown catalog provider or platform {name!r}"
                issues.append(CatalogIssue(shown, line, label, "catalog_names", message))
        for identity in provider.identities:
            first = owner_of.setdefault(identity.label, provider.id)
            if first != provider.id:
                message = f"{identity.label} is already registered for {first!r}"
                issues.append(CatalogIssue(shown, line, label, "identities", message))
    return issues


def _catalog_names(catalog: Catalog) -> set[str]:
    return {name for course in catalog.courses.values() for name in (course.provider, course.platform)}


# --- recognition -----------------------------------------------------------------------------------


def recognize(report: Report, registry: IssuerRegistry) -> Recognition | None:
    """The registered provider behind what ``report``'s checks established, if any."""
    identity = established_identity(report)
    if identity is None:
        return None
    for provider in registry.providers:
        for entry in provider.identities:
            if _matches(entry, identity):
                return Recognition(provider.id, provider.name, entry.label, tuple(provider.catalog_names))
    return None


def established_identity(report: Report) -> str | None:
    """The issuer identity the checks proved: a DID, an https issuer URL, or for a certificate page
    ``page:<domain>``.  None for an invalid report or when a check that ties it failed to run."""
    if report.status is Status.INVALID:
        return None
    needed = next(
        (names for prefix, names in _ESTABLISHING_CHECKS.items() if report.format.startswith(prefix)), ()
    )
    if not needed or not all(_all_passed(report, name) for name in needed):
        return None
    if report.format == "issuer-page":
        link = platforms.resolve(report.source_url or "")
        return f"page:{link.issuer_domains[0]}" if link is not None and link.issuer_domains else None
    return report.issuer_id


def _all_passed(report: Report, name: str) -> bool:
    """At least one ``name`` check, and every one passed (a proof set: each proof must verify)."""
    found = [check for check in report.checks if check.name == name and check.required]
    return bool(found) and all(check.result is Outcome.PASSED for check in found)


def _matches(entry: Identity, identity: str) -> bool:
    kind, value = entry.kind, entry.value
    if kind == "certificate_page":
        return identity == f"page:{value}"
    if kind == "did_web":
        return identity == f"did:web:{value}" or identity.startswith(f"did:web:{value}:")
    if kind in ("did_key", "issuer_url"):
        return identity == value
    parts = urlsplit(identity)
    host = (parts.hostname or "").lower()
    if parts.scheme != "https":
        return False
    if kind == "origin":
        return _origin(identity) == _origin(value)
    if kind == "credly":
        match = _CREDLY_ISSUER_PATH.fullmatch(parts.path)
        return host in _CREDLY_HOSTS and match is not None and match.group(1) == value
    match = _BADGR_ISSUER_PATH.fullmatch(parts.path)  # badgr
    return host in _BADGR_HOSTS and match is not None and match.group(1) == value


def _origin(url: str) -> str:
    parts = urlsplit(url)
    port = parts.port if parts.port not in (None, 443) else None
    return f"https://{(parts.hostname or '').lower()}" + (f":{port}" if port else "")
