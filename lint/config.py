"""Find, read and validate configuration; resolve which rules apply to a file."""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from citeaudit.patterns import LazyPattern

CONFIG_NAMES = ("citeaudit.toml", ".citeaudit.toml", "pyproject.toml")


class ConfigError(Exception):
    """A configuration file that cannot be used; the message names the file and key."""


@dataclass
class Settings:
    """The settings of one configuration file, or the defaults."""

    select: tuple[str, ...] | None = None  # None: the rules enabled by default
    ignore: tuple[str, ...] = ()
    extend_select: tuple[str, ...] = ()
    per_file_ignores: dict[str, tuple[str, ...]] = field(default_factory=dict)
    exclude: tuple[str, ...] = ()
    style: str = "auto"
    library: tuple[str, ...] = ()
    severity: dict[str, str] = field(default_factory=dict)
    rule_options: dict[str, dict[str, Any]] = field(default_factory=dict)
    fix: bool = False
    unsafe_fixes: bool = False
    format: str | None = None
    source: str | None = None  # the file these came from
    root: str = "."  # folder that relative paths in the config are relative to
    # Read files that a manuscript names outside the project (its repository and the
    # config's folder): off, so that a pull request cannot make CI print other files.
    allow_outside_root: bool = False


def find_config(start: str, checked: dict[str, bool] | None = None) -> str | None:
    """The nearest config file at or above `start` (a folder).

    `checked` keeps, across the folders of one run, whether each candidate file holds
    settings: folders share parents, and a pyproject.toml is read and parsed once."""
    checked = {} if checked is None else checked
    folder = os.path.abspath(start)
    while True:
        for name in CONFIG_NAMES:
            candidate = os.path.join(folder, name)
            if candidate not in checked:
                checked[candidate] = os.path.isfile(candidate) and _has_settings(candidate)
            if checked[candidate]:
                return candidate
        parent = os.path.dirname(folder)
        if parent == folder:
            return None
        folder = parent


def _has_settings(path: str) -> bool:
    if os.path.basename(path) != "pyproject.toml":
        return True
    try:
        data = _read_config_bytes(path)
        # Most projects' pyproject.toml has no [tool.citeaudit]. Where the name is not
        # written, and no escape in a quoted key could spell it, it has none, and is not
        # parsed: importing tomllib and parsing cost a one-file run about 3 ms.
        if b"citeaudit" not in data and b"\\" not in data:
            return False
        return "citeaudit" in _parse_toml(path, data).get("tool", {})
    except ConfigError:
        # A broken pyproject.toml is not ours to report unless it holds our settings.
        return False


def load_config(path: str) -> Settings:
    data = _read_toml(path)
    if os.path.basename(path) == "pyproject.toml":
        data = data.get("tool", {}).get("citeaudit", {})
    settings = settings_from(data, path)
    settings.root = os.path.dirname(os.path.abspath(path))
    return settings


MAX_CONFIG_BYTES = 1024 * 1024
MAX_DEPTH = 32  # the schema needs 4; deeper nesting is a mistake or an attack on the parser


def _read_toml(path: str) -> dict[str, Any]:
    return _parse_toml(path, _read_config_bytes(path))


def _read_config_bytes(path: str) -> bytes:
    from citeaudit.fileio import ReadError, read_bytes

    try:
        return read_bytes(path, limit=MAX_CONFIG_BYTES)
    except ReadError as error:
        raise ConfigError(f"{path}: {error}") from error


def _parse_toml(path: str, data: bytes) -> dict[str, Any]:
    import tomllib  # a folder without a config file never needs the parser

    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise ConfigError(
            f"{path}: not UTF-8 (byte {error.start}, line {line}); TOML files must be UTF-8"
        ) from error
    try:
        parsed = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: not valid TOML: {error}") from error
    except RecursionError as error:
        raise ConfigError(f"{path}: nested too deeply to read") from error
    depth = _depth(parsed)
    if depth > MAX_DEPTH:
        raise ConfigError(f"{path}: nested {depth} levels deep; at most {MAX_DEPTH} are read")
    return parsed


def _depth(value: object) -> int:
    deepest, stack = 0, [(value, 0)]
    while stack:
        item, level = stack.pop()
        deepest = max(deepest, level)
        if isinstance(item, dict):
            stack.extend((v, level + 1) for v in item.values())
        elif isinstance(item, list):
            stack.extend((v, level + 1) for v in item)
    return deepest


def validate(data: Mapping[str, Any], source: str) -> None:
    if not _plainly_valid(data):
        _validate_with_schema(data, source)
    _check_selectors(data, source)


def _validate_with_schema(data: Mapping[str, Any], source: str) -> None:
    from jsonschema import Draft202012Validator

    errors = sorted(
        Draft202012Validator(_schema()).iter_errors(data),
        key=lambda e: [str(p) for p in e.absolute_path],
    )
    if errors:
        lines = [f"{source}: {_key_path(e.absolute_path)}: {e.message}" for e in errors]
        raise ConfigError("\n".join(lines))


# The schema's simple keys, checked here because importing jsonschema costs a one-file
# run about 40 ms, a third of it. A config of only these keys that passes is one the
# schema accepts; any other (rule options, or a mistake) goes to jsonschema, whose
# messages name the key. tests/test_config.py holds these to the schema.
_SELECTOR = LazyPattern(r"^(ALL|[A-Za-z]+[0-9]{0,3})$")
_SEVERITY_CODE = LazyPattern(r"^[A-Z]+[0-9]{3}$")
_SELECTOR_KEYS = ("select", "ignore", "extend-select", "extend-ignore")
_PATH_KEYS = ("exclude", "extend-exclude")
_BOOLEAN_KEYS = ("fix", "unsafe-fixes", "allow-outside-root")
_ENUMS = {
    "style": ("auto", "numeric", "author-date", "key", "note"),
    "format": ("text", "json", "json-lines", "github", "sarif", "junit", "gitlab", "html"),
}
_SEVERITIES = ("error", "warning", "info")


def _plainly_valid(data: Mapping[str, Any]) -> bool:
    """True only when the schema certainly accepts `data` (jsonschema's `pattern` is a
    `re.search`, as here)."""
    if not isinstance(data, dict):
        return False
    for key, value in data.items():
        if key in _SELECTOR_KEYS:
            plain = _selectors(value)
        elif key == "per-file-ignores":
            plain = isinstance(value, dict) and all(_selectors(v) for v in value.values())
        elif key in _PATH_KEYS:
            plain = _paths(value)
        elif key == "library":
            plain = (isinstance(value, str) and value != "") or _paths(value)
        elif key == "severity":
            plain = isinstance(value, dict) and all(
                isinstance(code, str)
                and _SEVERITY_CODE.search(code) is not None
                and v in _SEVERITIES
                for code, v in value.items()
            )
        elif key in _BOOLEAN_KEYS:
            plain = isinstance(value, bool)
        elif key in _ENUMS:
            plain = isinstance(value, str) and value in _ENUMS[key]
        else:  # `rules`: each rule's options have their own schema
            plain = False
        if not plain:
            return False
    return True


def _selectors(value: object) -> bool:
    return (
        isinstance(value, list)
        and all(isinstance(v, str) and _SELECTOR.search(v) is not None for v in value)
        and len(set(value)) == len(value)
    )


def _paths(value: object) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) and v != "" for v in value)


def _key_path(path: Iterable[Any]) -> str:
    return ".".join(str(p) for p in path) or "(top level)"


def _check_selectors(data: Mapping[str, Any], source: str) -> None:
    from citeaudit.rules import all_rules

    codes = list(all_rules())
    problems = []
    lists: list[tuple[str, Sequence[str]]] = [
        (key, data.get(key, ())) for key in ("select", "ignore", "extend-select", "extend-ignore")
    ]
    lists += [(f"per-file-ignores.{k}", v) for k, v in data.get("per-file-ignores", {}).items()]
    lists += [(f"severity.{k}", [k]) for k in data.get("severity", {})]
    lists += [(f"rules.{k}", [k]) for k in data.get("rules", {})]
    for key, selectors in lists:
        for selector in selectors:
            if selector != "ALL" and not any(code.startswith(selector.upper()) for code in codes):
                problems.append(f"{source}: {key}: {selector!r} matches no rule code")
    if problems:
        raise ConfigError("\n".join(problems))


@cache
def _base_schema() -> dict[str, Any]:
    import json
    from importlib import resources  # with tempfile and shutil: 4 ms a run need not pay

    text = resources.files("citeaudit").joinpath("schemas/config.schema.json").read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


def _schema() -> dict[str, Any]:
    import json

    from citeaudit.rules import all_rules

    schema: dict[str, Any] = json.loads(json.dumps(_base_schema()))
    schema["properties"]["rules"] = {
        "type": "object",
        "additionalProperties": False,
        "properties": {code: r.options_schema for code, r in all_rules().items()},
    }
    return schema


def settings_from(data: Mapping[str, Any], source: str) -> Settings:
    validate(data, source)

    def codes(key: str) -> tuple[str, ...]:
        return tuple(s.upper() for s in data.get(key, ()))

    library = data.get("library", ())
    return Settings(
        select=codes("select") if "select" in data else None,
        ignore=codes("ignore") + codes("extend-ignore"),
        extend_select=codes("extend-select"),
        per_file_ignores={
            k: tuple(c.upper() for c in v) for k, v in data.get("per-file-ignores", {}).items()
        },
        exclude=tuple(data.get("exclude", ())) + tuple(data.get("extend-exclude", ())),
        style=data.get("style", "auto"),
        library=(library,) if isinstance(library, str) else tuple(library),
        severity=dict(data.get("severity", {})),
        rule_options={k.upper(): dict(v) for k, v in data.get("rules", {}).items()},
        fix=bool(data.get("fix", False)),
        unsafe_fixes=bool(data.get("unsafe-fixes", False)),
        format=data.get("format"),
        source=source,
        allow_outside_root=bool(data.get("allow-outside-root", False)),
    )
