"""Configuration files: discovery, validation with key paths, precedence."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from citeaudit.config import ConfigError, Settings, settings_from
from citeaudit.filter import enabled_codes
from citeaudit.rules import all_rules
from tests.conftest import CORPUS, findings, run_cli

DRAFT = CORPUS / "cases" / "numbered-fires" / "draft.md"


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ('select = "CIT"', "select: 'CIT' is not of type 'array'"),
        (
            "[rules.REF001]\ntitle-threshold = 120",
            "rules.REF001.title-threshold: 120 is greater than the maximum of 100",
        ),
        (
            "[rules.REF001]\nthreshold = 90",
            "rules.REF001: Additional properties are not allowed ('threshold' was unexpected)",
        ),
        (
            'severity = { CIT002 = "fatal" }',
            "severity.CIT002: 'fatal' is not one of ['error', 'warning', 'info']",
        ),
        ('ignore = ["QQQ"]', "ignore: 'QQQ' matches no rule code"),
        (
            "colour = true",
            "(top level): Additional properties are not allowed ('colour' was unexpected)",
        ),
        ("select = [", "not valid TOML"),
    ],
)
def test_bad_config_exits_2_and_names_the_key(tmp_path: Path, toml: str, message: str) -> None:
    (tmp_path / "citeaudit.toml").write_text(toml)
    (tmp_path / "a.md").write_text("Text.\n")
    result = run_cli(["check", "a.md"], cwd=tmp_path)
    assert result.exit_code == 2
    assert f"citeaudit.toml: {message}" in result.output or message in result.output, result.output


def test_pyproject_section_is_found_from_a_subfolder(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.citeaudit]\nselect = ["REF002"]\n')
    (tmp_path / "chapters").mkdir()
    (tmp_path / "chapters" / "draft.md").write_bytes(DRAFT.read_bytes())
    found = {r["code"] for r in findings(["chapters/draft.md"], cwd=tmp_path)}
    assert found == {"REF002"}


def test_pyproject_without_our_section_is_skipped(tmp_path: Path) -> None:
    (tmp_path / "citeaudit.toml").write_text('select = ["CIT002"]\n')
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "pyproject.toml").write_text("[tool.black]\nline-length = 88\n")
    (tmp_path / "sub" / "draft.md").write_bytes(DRAFT.read_bytes())
    assert {r["code"] for r in findings(["sub/draft.md"], cwd=tmp_path)} == {"CIT002"}


def test_pyproject_whose_key_spells_our_name_with_an_escape_is_found(tmp_path: Path) -> None:
    """Files without the name are not parsed, unless an escape could spell it."""
    (tmp_path / "pyproject.toml").write_text('[tool."cite\\u0061udit"]\nselect = ["REF002"]\n')
    (tmp_path / "draft.md").write_bytes(DRAFT.read_bytes())
    assert {r["code"] for r in findings(["draft.md"], cwd=tmp_path)} == {"REF002"}


_IMPORTS_TOMLLIB = """
import sys
before = set(sys.modules)
from citeaudit.config import find_config
print(find_config("."), "tomllib" in set(sys.modules) - before)
"""


@pytest.mark.parametrize(
    ("toml", "printed"),
    [
        ("[tool.black]\nline-length = 88\n", "None False"),  # not parsed at all
        ("[tool.citeaudit]\n", "pyproject.toml True"),  # the control
    ],
)
def test_a_pyproject_without_our_name_is_not_parsed(
    tmp_path: Path, toml: str, printed: str
) -> None:
    (tmp_path / "pyproject.toml").write_text(toml)
    done = subprocess.run(
        [sys.executable, "-c", _IMPORTS_TOMLLIB], capture_output=True, text=True, cwd=tmp_path
    )
    assert done.returncode == 0, done.stderr[-2000:]
    found, parsed = done.stdout.split()
    assert (os.path.basename(found), parsed) == tuple(printed.split())


def test_a_config_file_is_read_once_for_all_the_folders_it_covers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from citeaudit import config

    parsed: list[str] = []
    parse = config._parse_toml

    def counting(path: str, data: bytes) -> dict[str, object]:
        parsed.append(os.path.basename(path))
        return parse(path, data)

    monkeypatch.setattr(config, "_parse_toml", counting)
    (tmp_path / "pyproject.toml").write_text('[tool.citeaudit]\nselect = ["REF002"]\n')
    for folder in ("chapters", "notes"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "draft.md").write_bytes(DRAFT.read_bytes())
    found = findings(["chapters/draft.md", "notes/draft.md"], cwd=tmp_path)
    assert {(r["path"], r["code"]) for r in found} == {
        ("chapters/draft.md", "REF002"),
        ("notes/draft.md", "REF002"),
    }
    # Once to learn that it holds settings, once to load them: not once per folder.
    assert parsed == ["pyproject.toml", "pyproject.toml"]


def test_severity_override_and_per_file_ignores(tmp_path: Path) -> None:
    (tmp_path / "citeaudit.toml").write_text(
        'severity = { CIT002 = "error" }\n[per-file-ignores]\n"notes/*.md" = ["REF"]\n'
    )
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "draft.md").write_bytes(DRAFT.read_bytes())
    (tmp_path / "draft.md").write_bytes(DRAFT.read_bytes())
    records = findings(["."], cwd=tmp_path)
    top = [r for r in records if r["path"] == "draft.md"]
    inner = [r for r in records if r["path"].startswith("notes")]
    assert {r["severity"] for r in top if r["code"] == "CIT002"} == {"error"}
    assert any(r["code"].startswith("REF") for r in top)
    assert not any(r["code"].startswith("REF") for r in inner)


def test_command_line_wins_over_the_file(tmp_path: Path) -> None:
    (tmp_path / "citeaudit.toml").write_text('select = ["REF002"]\n')
    (tmp_path / "draft.md").write_bytes(DRAFT.read_bytes())
    assert {r["code"] for r in findings(["--select", "CIT002", "draft.md"], cwd=tmp_path)} == {
        "CIT002"
    }


def test_explicit_config_file(tmp_path: Path) -> None:
    config = tmp_path / "strict.toml"
    config.write_text('select = ["CIT006"]\n')
    assert {r["code"] for r in findings(["--config", str(config), str(DRAFT)])} == {"CIT006"}


def test_exclude_from_config(tmp_path: Path) -> None:
    (tmp_path / "citeaudit.toml").write_text('exclude = ["drafts"]\n')
    (tmp_path / "drafts").mkdir()
    (tmp_path / "drafts" / "draft.md").write_bytes(DRAFT.read_bytes())
    assert run_cli(["check", "."], cwd=tmp_path).exit_code == 0


@pytest.mark.parametrize(
    ("settings", "code", "on"),
    [
        (Settings(), "CIT001", True),
        (Settings(select=("REF",)), "CIT001", False),
        (Settings(select=("ALL",), ignore=("CIT00",)), "CIT001", False),
        (Settings(select=("CIT001",), ignore=("CIT",)), "CIT001", True),
        (Settings(ignore=("CIT",), extend_select=("CIT001",)), "CIT001", True),
        (Settings(per_file_ignores={"*.md": ("CIT001",)}), "CIT001", False),
    ],
)
def test_precedence(settings: Settings, code: str, on: bool) -> None:
    defaults = {c: r.default_enabled for c, r in all_rules().items()}
    assert (code in enabled_codes(settings, "x.md", defaults)) is on


def test_every_rule_options_schema_accepts_its_defaults() -> None:
    data = {"rules": {code: dict(r.defaults) for code, r in all_rules().items() if r.defaults}}
    settings_from(data, "test")


def test_config_error_lists_every_problem() -> None:
    with pytest.raises(ConfigError) as caught:
        settings_from({"select": 3, "fix": "yes"}, "citeaudit.toml")
    text = str(caught.value)
    assert "citeaudit.toml: fix: 'yes' is not of type 'boolean'" in text
    assert "citeaudit.toml: select: 3 is not of type 'array'" in text


# Configs the schema accepts or refuses, for the check that spares a run jsonschema.
_PLAIN = [
    {},
    {"select": ["CIT", "REF002", "ALL"], "ignore": ["SRC004"], "extend-select": ["NOTE"]},
    {"extend-ignore": [], "per-file-ignores": {"notes/*.md": ["REF"], "x.md": []}},
    {"exclude": ["drafts/", "*.bak"], "extend-exclude": [], "library": "refs.bib"},
    {"library": ["a.bib", "b.bib"], "style": "author-date", "format": "json-lines"},
    {"severity": {"CIT002": "error", "REF005": "info"}, "fix": True, "unsafe-fixes": False},
    {"allow-outside-root": True, "select": ["cit"]},
    {"select": ["CIT\n"]},  # jsonschema's pattern is re.search, whose $ takes a final \n
]
_REFUSED_OR_UNSURE = [
    {"select": "CIT"},
    {"select": ["CIT", "CIT"]},
    {"select": ["CIT-1"]},
    {"select": [3]},
    {"ignore": ["REF0002"]},
    {"per-file-ignores": {"a.md": "REF"}},
    {"per-file-ignores": ["REF"]},
    {"exclude": [""]},
    {"exclude": "drafts/"},
    {"library": ""},
    {"library": [""]},
    {"library": 3},
    {"severity": {"cit002": "error"}},
    {"severity": {"CIT02": "error"}},
    {"severity": {"CIT002": "fatal"}},
    {"severity": ["CIT002"]},
    {"fix": 1},
    {"unsafe-fixes": "yes"},
    {"style": "Numeric"},
    {"format": "docx-comments"},
    {"colour": True},
    {"rules": {}},  # rule options: always jsonschema's
    {"rules": {"SRC004": {"domains": ["wikipedia.org"]}}},
    {"rules": {"SRC004": {"domains": [3]}}},
]


def _schema_errors(data: dict[str, object]) -> list[str]:
    from jsonschema import Draft202012Validator

    from citeaudit.config import _schema

    return [e.message for e in Draft202012Validator(_schema()).iter_errors(data)]


@pytest.mark.parametrize("data", _PLAIN + _REFUSED_OR_UNSURE)
def test_what_is_plainly_valid_is_valid_under_the_schema(data: dict[str, object]) -> None:
    from citeaudit.config import _plainly_valid

    if _plainly_valid(data):
        assert not _schema_errors(data)
    assert _plainly_valid(data) == (data in _PLAIN)


def test_the_plain_check_reads_the_schema_it_stands_in_for() -> None:
    """Its patterns, enums and keys are the schema's; `rules` is left to jsonschema."""
    import json

    from citeaudit import config

    schema = json.loads((Path(config.__file__).parent / "schemas/config.schema.json").read_text())
    defs, properties = schema["$defs"], schema["properties"]
    assert config._SELECTOR.pattern == defs["selectors"]["items"]["pattern"]
    severity = properties["severity"]
    assert config._SEVERITY_CODE.pattern == severity["propertyNames"]["pattern"]
    assert list(config._SEVERITIES) == severity["additionalProperties"]["enum"]
    for key, values in config._ENUMS.items():
        assert list(values) == properties[key]["enum"]
    for key in config._SELECTOR_KEYS:
        assert properties[key] == {"$ref": "#/$defs/selectors"}
    for key in config._PATH_KEYS:
        assert properties[key] == {"$ref": "#/$defs/paths"}
    for key in config._BOOLEAN_KEYS:
        assert properties[key] == {"type": "boolean"}
    handled = {*config._SELECTOR_KEYS, *config._PATH_KEYS, *config._BOOLEAN_KEYS}
    handled |= {*config._ENUMS, "per-file-ignores", "library", "severity"}
    assert set(properties) - handled == {"rules"}


_IMPORTS_JSONSCHEMA = """
import sys
from citeaudit import cli

sys.argv = ["citeaudit", "check", "--no-cache", "draft.md"]
try:
    cli.main()
except SystemExit:
    pass
print("jsonschema" in sys.modules)
"""


@pytest.mark.parametrize(
    ("toml", "imported"),
    [
        ('select = ["CIT", "REF"]\nseverity = { CIT002 = "error" }\n', "False"),
        ('select = ["CIT"]\n[rules.SRC004]\ndomains = ["example.org"]\n', "True"),  # control
    ],
)
def test_a_plain_config_is_checked_without_jsonschema(
    tmp_path: Path, toml: str, imported: str
) -> None:
    (tmp_path / "citeaudit.toml").write_text(toml)
    (tmp_path / "draft.md").write_bytes(DRAFT.read_bytes())
    done = subprocess.run(
        [sys.executable, "-c", _IMPORTS_JSONSCHEMA], capture_output=True, text=True, cwd=tmp_path
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip().splitlines()[-1] == imported
