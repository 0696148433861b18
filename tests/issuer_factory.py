"""Issuer registries for tests: a provider whose only identity is the local badge server's origin.

The shipped registry lists real issuers; a badge served by ``tests/fakes/badge_server.py`` is
recognised only when a test registers the server's origin for a provider, as a curator would.
"""

from __future__ import annotations

from collections.abc import Sequence

from core.badges.issuers import IssuerRegistry, Provider

FIXTURE_SOURCE = "https://example.org/issuer-registry-fixture"


def registry_with(
    origin: str, catalog_names: Sequence[str], *, name: str = "Test Provider"
) -> IssuerRegistry:
    """A registry listing ``origin`` (https://host:port) for the catalog names given."""
    provider = Provider.model_validate(
        {
            "id": "test-provider",
            "name": name,
            "catalog_names": list(catalog_names),
            "identities": [{"origin": origin, "source": FIXTURE_SOURCE, "checked": "2026-12-01"}],
        }
    )
    return IssuerRegistry((provider,))
