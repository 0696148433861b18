"""The installed catalog, as every command that needs one loads it (and refuses a broken one).

Its own module, apart from ``catalog validate`` (which also checks the issuer registry, and so loads
part of the verifier): ``plan`` and ``match`` need the catalog and nothing of the badges.
"""

from __future__ import annotations

import sys

from bot.cli.exit import EXIT_DATA_PROBLEM, CommandFailed
from core.catalog import Catalog, CatalogError, load_catalog
from core.i18n import t
from core.settings import Settings


def load(settings: Settings) -> Catalog:
    """The installed catalog; one that fails validation ends the command (exit 1): nothing runs on it."""
    try:
        return load_catalog(settings.catalog_dir)
    except CatalogError as exc:
        print(t("cli.catalog_refused", settings.default_language, path=settings.catalog_dir), file=sys.stderr)
        for issue in exc.issues:
            print(f"  {issue}", file=sys.stderr)
        raise CommandFailed(EXIT_DATA_PROBLEM) from None
