"""Translations: ``t(key, language, **values)`` over the YAML files in ``data/locales``.

Every text a learner or operator reads comes from here, so the English and Indonesian files must
hold the same keys with the same ``{placeholders}``; tests enforce it.  A missing key raises
:class:`KeyError` rather than showing the raw key to a learner, so a gap is caught by the tests,
not by users.
"""

from __future__ import annotations

import datetime as dt
import string
from collections.abc import Mapping
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from core.settings import SHIPPED_DATA_DIR

LOCALES_DIR = SHIPPED_DATA_DIR / "locales"
LANGUAGES = ("en", "id")
FALLBACK_LANGUAGE = "en"


def _flatten(tree: Mapping[str, Any], prefix: str = "") -> dict[str, str]:
    flat: dict[str, str] = {}
    for key, value in tree.items():
        full_key = f"{prefix}{key}"
        if isinstance(value, Mapping):
            flat.update(_flatten(value, f"{full_key}."))
        else:
            flat[full_key] = str(value)
    return flat


@cache
def messages(language: str, locales_dir: Path = LOCALES_DIR) -> dict[str, str]:
    """All texts of one language, keyed by dotted path (``chat.preview.title``)."""
    with (locales_dir / f"{language}.yaml").open(encoding="utf-8") as handle:
        return _flatten(yaml.safe_load(handle) or {})


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def normalize_language(language: str | None) -> str:
    """Map a Telegram-style code (``id``, ``id-ID``, ``en-GB``...) to a supported language."""
    base = (language or "").split("-")[0].lower()
    return base if base in LANGUAGES else FALLBACK_LANGUAGE


def t(key: str, language: str | None = FALLBACK_LANGUAGE, /, **values: Any) -> str:
    """The text for ``key`` in ``language`` with ``values`` filled in."""
    return messages(normalize_language(language))[key].format(**values)


def join_list(items: list[str], language: str | None) -> str:
    """'a, b and c' in English, 'a, b dan c' in Indonesian."""
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {t('list.and', language)} {items[-1]}"


CURRENCY_SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "IDR": "Rp", "INR": "₹", "SGD": "S$", "MYR": "RM"}


def format_money(amount: Decimal, currency: str, language: str | None) -> str:
    """``$39.99``, ``Rp150.000`` (Indonesian grouping for IDR), or the word for free."""
    if amount == 0:
        return t("money.free", language)
    symbol = CURRENCY_SYMBOLS.get(currency, f"{currency} ")
    if currency == "IDR":
        return f"{symbol}{int(amount.quantize(Decimal(1))):,}".replace(",", ".")
    whole = amount == amount.to_integral_value()
    text = f"{amount.quantize(Decimal(1) if whole else Decimal('0.01')):,}"
    if normalize_language(language) == "id":
        text = text.replace(",", "_").replace(".", ",").replace("_", ".")
    return f"{symbol}{text}"


def month_label(date: dt.date, language: str | None) -> str:
    return f"{t(f'months.{date.month}', language)} {date.year}"
