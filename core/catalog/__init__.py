"""The curated catalog of courses, the skills taxonomy and the goals (loaded from ``data/``)."""

from core.catalog.loader import CatalogError, CatalogIssue, check_catalog_path, load_catalog
from core.catalog.model import Catalog

__all__ = ["Catalog", "CatalogError", "CatalogIssue", "check_catalog_path", "load_catalog"]
