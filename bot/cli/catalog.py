"""``skillstack catalog validate`` and ``catalog export``: the curator's checks and the normalized catalog."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from bot.cli import installed_catalog as cli_installed_catalog
from bot.cli import settings as cli_settings
from bot.cli.exit import EXIT_DATA_PROBLEM
from core.badges.issuers import REGISTRY_FILE, check_registry
from core.catalog import check_catalog_path
from core.catalog.export import export_catalog
from core.goals.vocabulary import check_goal_vocabulary
from core.i18n import t


def validate(args: argparse.Namespace) -> int:
    settings = cli_settings.load()
    path = Path(args.path)
    installed = None if path.is_dir() else cli_installed_catalog.load(settings)
    if path.name == REGISTRY_FILE and installed is not None:  # the issuer registry alone
        issues, checked = check_registry(path, installed)[0], installed
    else:
        issues, checked = check_catalog_path(path, installed)
    if path.is_dir() and (path / REGISTRY_FILE).exists():  # a data directory: its registry too
        issues += check_registry(path / REGISTRY_FILE, checked)[0]
    if path.is_dir():  # and its goal vocabulary (origins, interests, cue phrases)
        issues += check_goal_vocabulary(path, checked)[0]
    language = settings.default_language
    if issues:
        print(t("cli.catalog_problems", language, path=path, count=len(issues)))
        for issue in issues:
            print(f"  {issue}")
        return EXIT_DATA_PROBLEM
    print(
        t(
            "cli.catalog_clean",
            language,
            path=path,
            courses=len(checked.courses),
            skills=len(checked.skills),
            goals=len(checked.goals),
        )
    )
    return 0


def export(args: argparse.Namespace) -> int:
    catalog = cli_installed_catalog.load(cli_settings.load())
    if args.json:
        json.dump(export_catalog(catalog), sys.stdout, ensure_ascii=False, indent=2)
        print()
        return 0
    for course in sorted(catalog.courses.values(), key=lambda c: (c.provider, c.id)):
        cost = "free" if not course.cost.amount else f"{course.cost.amount} {course.cost.currency}"
        print(f"{course.id:<44} {course.provider:<22} {course.level.value:<12} {course.hours:>6g} h  {cost}")
    return 0
