"""Read catalog YAML while remembering where each entry and field was written.

Curators fix mistakes faster with a line number, so mappings are built as :class:`LocatedDict`,
a plain ``dict`` (pydantic accepts it as is) that also knows the line of each key.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml


class LocatedDict(dict[str, Any]):
    """A YAML mapping plus the 1-based line of the mapping and of each of its keys."""

    line: int
    key_lines: dict[str, int]


if TYPE_CHECKING:  # the pure-Python loader, whose constructor methods libyaml's loader shares
    _SafeBase = yaml.SafeLoader
else:
    _SafeBase = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml's parser when present: ~5x faster


class _LocatingLoader(_SafeBase):
    """A safe loader (no arbitrary objects) whose mappings are :class:`LocatedDict`."""


def _construct_located_mapping(loader: _LocatingLoader, node: yaml.MappingNode) -> LocatedDict:
    loader.flatten_mapping(node)
    mapping = LocatedDict()
    mapping.line = node.start_mark.line + 1
    mapping.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        mapping[key] = loader.construct_object(value_node, deep=True)
        mapping.key_lines[str(key)] = key_node.start_mark.line + 1
    return mapping


def _construct_timestamp(loader: _LocatingLoader, node: yaml.ScalarNode) -> Any:
    """A date as YAML reads it; an impossible one (2026-13-45, 2026-02-30) stays text, so the schema
    reports it with its entry and line like any other problem instead of the parser crashing."""
    try:
        return yaml.SafeLoader.construct_yaml_timestamp(loader, node)
    except ValueError:
        return loader.construct_scalar(node)


_LocatingLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_located_mapping)
_LocatingLoader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp)


class YamlSyntaxError(ValueError):
    def __init__(self, message: str, line: int | None) -> None:
        super().__init__(message)
        self.line = line


def read_yaml(path: Path) -> Any:
    """Parse one YAML file safely; syntax errors become :class:`YamlSyntaxError` with a line."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise YamlSyntaxError("the file is not UTF-8 text", None) from exc
    try:
        return yaml.load(text, Loader=_LocatingLoader)  # noqa: S506  (a SafeLoader subclass)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        raise YamlSyntaxError(f"YAML syntax: {exc.problem or exc}", line) from exc
    except yaml.YAMLError as exc:
        raise YamlSyntaxError(f"YAML: {exc}", None) from exc


def line_of(entry: Any, field: str | None = None) -> int | None:
    """The line of ``field`` inside ``entry`` (or of the entry itself), when known."""
    if not isinstance(entry, LocatedDict):
        return None
    if field is not None and field in entry.key_lines:
        return entry.key_lines[field]
    return entry.line
