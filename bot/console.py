"""The terminal channel. For now it shows the catalog preview; the chat arrives with the dialogue core."""

from __future__ import annotations

import textwrap

from core.catalog import Catalog
from core.preview import catalog_preview

WIDTH = 88


def show_preview(catalog: Catalog, language: str) -> None:
    for paragraph in catalog_preview(catalog, language):
        print(textwrap.fill(paragraph, WIDTH))
        print()
