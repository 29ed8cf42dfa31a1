"""The composite GitHub Action in action.yml: its structure, and its steps run locally.

GitHub is not needed to run a composite action's steps: each is a script for a named
shell, with `${{ ... }}` expressions filled in first. `run_step` does that filling for
the few expressions the action uses, and refuses any other, so a step that starts using
something this helper cannot evaluate fails here instead of being skipped silently.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")
# How the runner starts each shell (see "jobs.<job_id>.steps[*].shell" in GitHub's docs).
SHELLS = {
    "bash": ["bash", "--noprofile", "--norc", "-eo", "pipefail"],
    "python": ["python"],  # whichever python is first on the step's PATH
}
SEEDS = {
    "lai": ("corpus/lai-2023/essay.md", "003_f7c34cf41300fe5d.txt"),
    "kim": ("corpus/kim-2019/page.txt", "000_0a0ae64dbf621eea.txt"),
}


def action() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
    return loaded


def step(name: str) -> dict[str, Any]:
    found: dict[str, Any] = next(s for s in action()["runs"]["steps"] if s["name"] == name)
    return found


def seed(name: str, folder: Path, as_name: str) -> Path:
    """Copy a seed document into `folder` as `as_name`, from corpus/ or ../shared/seeds."""
    in_corpus, in_shared = SEEDS[name]
    for source in (ROOT / in_corpus, ROOT.parent / "shared" / "seeds" / in_shared):
        if source.is_file():
            target = folder / as_name
            shutil.copyfile(source, target)
            return target
    pytest.skip(f"the {name} seed is in neither corpus/ nor ../shared/seeds")


def evaluate(expression: str, inputs: Mapping[str, str]) -> str:
    if expression == "github.action_path":
        return str(ROOT)
    match = re.fullmatch(r"inputs\.([\w-]+)(?:\s*!=\s*'')?", expression)
    if match is None:
        raise AssertionError(f"the test cannot evaluate ${{{{ {expression} }}}}")
    value = inputs[match.group(1)]
    return ("true" if value != "" else "false") if "!=" in expression else value


def substitute(text: str, inputs: Mapping[str, str]) -> str:
    return EXPRESSION.sub(lambda m: evaluate(m.group(1), inputs), text)


def with_defaults(**given: str) -> dict[str, str]:
    inputs = {name: spec.get("default", "") for name, spec in action()["inputs"].items()}
    unknown = {name.replace("_", "-") for name in given} - set(inputs)
    assert not unknown, f"not inputs of the action: {unknown}"
    inputs.update({name.replace("_", "-"): value for name, value in given.items()})
    return inputs


def run_step(
    name: str, inputs: Mapping[str, str], cwd: Path, runner: Path
) -> subprocess.CompletedProcess[str] | None:
    """Run one step as the runner would; None when its `if` condition is false."""
    spec = step(name)
    if "if" in spec and substitute(str(spec["if"]), inputs) != "true":
        return None
    script = runner / (re.sub(r"\W+", "-", name) + ".script")
    script.write_text(substitute(spec["run"], inputs), encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "CITEAUDIT_"))}
    env.update({key: substitute(str(value), inputs) for key, value in spec.get("env", {}).items()})
    # The runner puts the folders earlier steps wrote to $GITHUB_PATH first on PATH;
    # without them, this interpreter's folder, where the editable install put citeaudit.
    github_path = runner / "github_path"
    added = github_path.read_text().split() if github_path.exists() else []
    folders = [*reversed(added), os.path.dirname(sys.executable), env.get("PATH", "")]
    env.update(
        PATH=os.pathsep.join(folders),
        RUNNER_TEMP=str(runner),
        GITHUB_PATH=str(github_path),
        GITHUB_ACTION_PATH=str(ROOT),
        GITHUB_ACTIONS="true",
    )
    shell, *options = SHELLS[spec["shell"]]
    program = shutil.which(shell, path=env["PATH"])
    assert program is not None, f"{shell} is not on PATH"
    return subprocess.run(
        [program, *options, str(script)],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    (tmp_path / "workspace").mkdir()
    (tmp_path / "runner").mkdir()
    return tmp_path / "workspace"


def test_is_a_composite_action_whose_run_steps_name_their_shell() -> None:
    loaded = action()
    assert loaded["runs"]["using"] == "composite"
    steps = loaded["runs"]["steps"]
    assert all("shell" in s for s in steps if "run" in s)
    assert {s["shell"] for s in steps if "run" in s} <= set(SHELLS)


def test_inputs_and_their_defaults() -> None:
    inputs = action()["inputs"]
    assert set(inputs) == {
        "paths",
        "args",
        "version",
        "format",
        "sarif-file",
        "html-report",
        "html-artifact-name",
    }
    assert all(spec.get("description") for spec in inputs.values())
    assert with_defaults() == {
        "paths": ".",
        "args": "",
        "version": "",
        "format": "github",
        "sarif-file": "",
        "html-report": "",
        "html-artifact-name": "citeaudit-report",
    }


def test_every_expression_names_an_existing_input() -> None:
    text = (ROOT / "action.yml").read_text(encoding="utf-8")
    expressions = EXPRESSION.findall(text)
    assert expressions
    inputs = with_defaults()
    for expression in expressions:
        evaluate(expression, inputs)  # raises for an unknown input or expression


def test_inputs_reach_scripts_through_the_environment_only() -> None:
    # An expression pasted into a script is code injection: an input holding
    # `"; rm -rf ~` would run. Inputs must arrive as environment variables.
    for s in action()["runs"]["steps"]:
        assert not EXPRESSION.search(s.get("run", "")), s["name"]


def test_the_check_step_annotates_the_lai_essay_and_fails(workspace: Path) -> None:
    seed("lai", workspace, "essay.md")
    done = run_step("Check citations", with_defaults(), workspace, workspace.parent / "runner")

    assert done is not None
    lines = done.stdout.splitlines()
    annotations = [line for line in lines if line.startswith(("::warning ", "::error "))]
    assert annotations, done.stdout + done.stderr
    assert all("file=essay.md," in line for line in annotations)
    assert any("REF001" in line for line in annotations)
    assert done.returncode == 1


def test_the_check_step_passes_the_kim_page(workspace: Path) -> None:
    seed("kim", workspace, "page.md")
    done = run_step("Check citations", with_defaults(), workspace, workspace.parent / "runner")

    assert done is not None
    assert (done.returncode, done.stdout) == (0, ""), done.stderr


def test_paths_and_args_are_split_like_shell_words(workspace: Path) -> None:
    seed("lai", workspace, "my essay.md")
    seed("kim", workspace, "page.md")
    inputs = with_defaults(paths="'my essay.md' page.md", args="--select REF004 --isolated")
    done = run_step("Check citations", inputs, workspace, workspace.parent / "runner")

    assert done is not None
    annotations = [line for line in done.stdout.splitlines() if line.startswith("::")]
    assert annotations, done.stderr
    assert all("file=my essay.md," in a and "title=REF004" in a for a in annotations)
    assert done.returncode == 1


def test_a_malformed_input_is_reported(workspace: Path) -> None:
    inputs = with_defaults(args="--select 'REF")
    done = run_step("Check citations", inputs, workspace, workspace.parent / "runner")

    assert done is not None
    assert done.returncode == 2
    assert done.stdout.startswith("::error ")


def test_the_sarif_step_runs_only_when_asked_and_never_fails(workspace: Path) -> None:
    seed("lai", workspace, "essay.md")
    runner = workspace.parent / "runner"
    assert run_step("Write the SARIF report", with_defaults(), workspace, runner) is None

    done = run_step(
        "Write the SARIF report", with_defaults(sarif_file="out/r.sarif"), workspace, runner
    )
    assert done is not None
    assert done.returncode == 0, done.stderr
    sarif = json.loads((workspace / "out" / "r.sarif").read_text(encoding="utf-8"))
    assert sarif["version"] == "2.1.0"
    assert any(r["ruleId"] == "REF001" for r in sarif["runs"][0]["results"])


def test_all_steps_in_order_install_and_check(workspace: Path) -> None:
    """The install step pip-installs this checkout (the `version` default) into a
    fresh virtual environment: slow, and it needs the package index for dependencies."""
    seed("lai", workspace, "essay.md")
    runner = workspace.parent / "runner"
    inputs = with_defaults(sarif_file="report.sarif", html_report="site")
    # The upload step is another action, which only GitHub runs.
    steps = [s for s in action()["runs"]["steps"] if "run" in s]
    results = [run_step(s["name"], inputs, workspace, runner) for s in steps]

    install, sarif, html, checked = results
    assert install is not None and install.returncode == 0, install and install.stderr
    venv_bin = (runner / "github_path").read_text().split()[0]
    assert Path(venv_bin).is_relative_to(runner)
    assert sarif is not None and sarif.returncode == 0, sarif and sarif.stderr
    assert (workspace / "report.sarif").is_file()
    # A real install (not editable) carries the report's templates.
    assert html is not None and html.returncode == 0, html and html.stderr
    assert "REF001" in (workspace / "site" / "essay.md.html").read_text(encoding="utf-8")
    assert (workspace / "site" / "index.html").is_file()
    assert checked is not None and checked.returncode == 1, checked and checked.stderr
    assert "::warning file=essay.md," in checked.stdout


def test_the_html_report_is_off_by_default(workspace: Path) -> None:
    runner = workspace.parent / "runner"
    assert run_step("Write the HTML report", with_defaults(), workspace, runner) is None
    upload = step("Upload the HTML report")
    assert substitute(str(upload["if"]), with_defaults()) == "false"


def test_the_html_report_is_written_and_uploaded_before_the_check_fails(
    workspace: Path,
) -> None:
    seed("lai", workspace, "essay.md")
    inputs = with_defaults(html_report="report/citeaudit.html")
    done = run_step("Write the HTML report", inputs, workspace, workspace.parent / "runner")

    assert done is not None
    assert done.returncode == 0, done.stderr
    page = (workspace / "report" / "citeaudit.html").read_text(encoding="utf-8")
    assert "REF001" in page and "CIT004" in page
    names = [s["name"] for s in action()["runs"]["steps"]]
    assert names.index("Upload the HTML report") < names.index("Check citations")
    upload = step("Upload the HTML report")
    assert upload["uses"].startswith("actions/upload-artifact@")
    assert substitute(str(upload["with"]["path"]), inputs) == "report/citeaudit.html"
    assert substitute(str(upload["with"]["name"]), inputs) == "citeaudit-report"
