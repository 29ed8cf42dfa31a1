"""Bad, hostile and odd input: a clear diagnostic or normal processing, never a traceback,
a hang, a wrong exit code, or a read outside the project.

A pre-commit hook or CI job runs citeaudit on whatever a pull request contains. Each case
runs the real command in a subprocess with a timeout, so a hang fails the test instead of
the suite.
"""

from __future__ import annotations

import codecs
import json
import os
import shutil
import stat
import subprocess
import sys
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import run_cli

ESSAY = "A claim about the armistice [1].\n\n## References\n\n1. Stueck, William. *The Korean War*. Princeton University Press, 1995.\n"
# A numbered reference that nothing cites: one finding (CIT002) when the file is read.
UNCITED = ESSAY + "2. Hermes, Walter. *Truce Tent and Fighting Front*. 1966.\n"
SECRET = "s3cr3t-payload-never-printed"


@dataclass
class Outcome:
    code: int
    records: list[dict[str, Any]]
    stderr: str
    stdout: str

    def codes(self) -> list[str]:
        return [r["code"] for r in self.records]

    def messages(self, code: str = "IO001") -> list[str]:
        return [r["message"] for r in self.records if r["code"] == code]


def citeaudit(args: Sequence[str], cwd: Path, timeout: float | None = None) -> Outcome:
    """Run `citeaudit check --format json`: in a subprocess with a timeout for a case that
    could hang, else in this process (a subprocess costs a second of start-up)."""
    if timeout is None:
        result = run_cli(["check", "--format", "json", *args], cwd=cwd)
        assert "internal error" not in result.stderr, result.stderr
        records = json.loads(result.stdout) if result.exit_code in (0, 1) else []
        return Outcome(result.exit_code, records, result.stderr, result.stdout)
    env = {k: v for k, v in os.environ.items() if not k.startswith("CITEAUDIT_")}
    proc = subprocess.run(
        [sys.executable, "-m", "citeaudit", "check", "--format", "json", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
    )
    assert "Traceback" not in proc.stderr, proc.stderr
    assert "internal error" not in proc.stderr, proc.stderr
    records = json.loads(proc.stdout) if proc.returncode in (0, 1) else []
    return Outcome(proc.returncode, records, proc.stderr, proc.stdout)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A project folder: a git work tree (a `.git` folder marks it) inside the test's
    folder, so that `..` from it leaves the project."""
    root = tmp_path / "project"
    (root / ".git").mkdir(parents=True)
    (tmp_path / "outside.bib").write_text(f"@book{{{SECRET}, title = {{{SECRET}}}}}\n")
    (tmp_path / "outside.tex").write_text(f"\\cite{{{SECRET}}} {SECRET}\n")
    return root


def never_leaks(outcome: Outcome) -> None:
    assert SECRET not in outcome.stdout and SECRET not in outcome.stderr


# ---------------------------------------------------------------------------------------
# Bytes that are not what they claim


@pytest.mark.parametrize(
    ("data", "codes", "words"),
    [
        pytest.param(
            b"\x7fELF\x02\x01\x01\x00" + bytes(range(256)) * 4, ["IO001"], "binary", id="binary"
        ),
        pytest.param(b"\x00\x00\x00" + ESSAY.encode(), ["IO001"], "binary", id="nul-at-start"),
        pytest.param(
            ESSAY.encode() + b" " * 9000 + b"\x00 late NUL\n", [], None, id="nul-after-the-sniff"
        ),
        pytest.param(
            UNCITED.encode().replace(b"Korean", b"Kor\xe9an"),
            ["IO001", "CIT002"],
            "UTF-8",
            id="invalid-utf8",
        ),
        pytest.param(
            codecs.BOM_UTF16_LE + UNCITED.encode("utf-16-le"), ["CIT002"], None, id="utf16-le-bom"
        ),
        pytest.param(
            codecs.BOM_UTF16_BE + UNCITED.encode("utf-16-be"), ["CIT002"], None, id="utf16-be-bom"
        ),
        pytest.param(codecs.BOM_UTF8 + UNCITED.encode(), ["CIT002"], None, id="utf8-bom"),
        pytest.param(UNCITED.replace("\n", "\r\n").encode(), ["CIT002"], None, id="crlf"),
        pytest.param(b"", [], None, id="empty"),
        pytest.param(b" \n\t\r\n  ", [], None, id="whitespace-only"),
    ],
)
def test_bytes(project: Path, data: bytes, codes: list[str], words: str | None) -> None:
    (project / "essay.md").write_bytes(data)
    outcome = citeaudit(["essay.md"], project)
    assert sorted(outcome.codes()) == sorted(codes)
    assert outcome.code == (1 if codes else 0)
    if words:
        assert words in outcome.records[0]["message"]


def test_lone_cr_is_read_as_lines(project: Path) -> None:
    (project / "essay.md").write_bytes(UNCITED.replace("\n", "\r").encode())
    outcome = citeaudit(["essay.md"], project)
    (record,) = outcome.records
    assert (record["code"], record["line"]) == ("CIT002", 6)


def test_a_cp1252_bib_gets_the_same_io001_checked_itself_or_through_a_manuscript(
    project: Path,
) -> None:
    (project / "refs.bib").write_bytes(
        "@book{nora,\n  author = {Nora, Pierre},\n  title = {Les Lieux de m\u00e9moire},\n"
        "  publisher = {Gallimard},\n  year = 1984\n}\n".encode("cp1252")
    )
    (project / "essay.md").write_text("---\nbibliography: refs.bib\n---\nAs Nora argues [@nora].\n")
    direct = citeaudit(["refs.bib"], project)
    through = citeaudit(["essay.md"], project)

    def io001(outcome: Outcome) -> list[tuple[str, int, int, str, str]]:
        return [
            (Path(r["path"]).name, r["line"], r["column"], r["severity"], r["message"])
            for r in outcome.records
            if r["code"] == "IO001"
        ]

    assert (
        io001(direct)
        == io001(through)
        == [
            (
                "refs.bib",
                3,
                26,
                "warning",
                "file is not valid UTF-8 (first at this character); read it as cp1252 (Windows-1252)",
            )
        ]
    )


# ---------------------------------------------------------------------------------------
# Size and shape


def sparse(path: Path, size: int, head: bytes = b"# A chapter\n\nText [1].\n") -> Path:
    with open(path, "wb") as handle:
        handle.write(head)
        handle.truncate(size)
    return path


def test_a_100_mb_file_is_refused_without_reading_it(project: Path) -> None:
    sparse(project / "huge.md", 100 * 1024 * 1024)
    outcome = citeaudit(["huge.md"], project, timeout=30)
    assert outcome.code == 1 and outcome.codes() == ["IO001"]
    assert "over the 20 MiB limit" in outcome.records[0]["message"]


def test_a_100_mb_bibliography_named_in_front_matter_is_refused(project: Path) -> None:
    sparse(project / "huge.bib", 100 * 1024 * 1024, b"@book{a, title={A}}\n")
    (project / "essay.md").write_text("---\nbibliography: huge.bib\n---\nText [@a].\n")
    outcome = citeaudit(["essay.md"], project, timeout=30)
    assert outcome.code == 1
    assert any("over the 20 MiB limit" in m for m in outcome.messages())


SHAPES = {
    "one-mb-line.md": "A claim [1]. " + "word " * 200_000 + ESSAY[32:],
    "nested-brackets.md": "A " + "[" * 10_000 + "]" * 10_000 + " [1].\n" + ESSAY[32:],
    "nested-braces.tex": "\\begin{document}\n"
    + "{" * 10_000
    + "}" * 10_000
    + "\n\\end{document}\n",
    "nested-braces.bib": "@book{a, title = " + "{" * 10_000 + "x" + "}" * 10_000 + "}\n",
    "markers.md": "A claim " + "[1] " * 100_000 + ".\n" + ESSAY[32:],
    "unterminated.bib": "@book{a, title = {Unterminated\n@book{b, title={B}, year=2000}\n",
    "string-recursion.bib": "@string{a = b}\n@string{b = a}\n@string{c = c # c}\n"
    "@book{k, title = a # c, year = 2000}\n",
    "entries.bib": "".join(
        f"@book{{k{i}, author = {{Writer{i}, Ann}}, title = {{Volume {i}}}, year = {1900 + i % 100},"
        f" publisher = {{Press}}}}\n"
        for i in range(5_000)
    ),
}


@pytest.mark.parametrize("name", list(SHAPES))
def test_odd_shapes_are_processed(project: Path, name: str) -> None:
    (project / name).write_text(SHAPES[name])
    outcome = citeaudit([name], project, timeout=120)
    assert outcome.code in (0, 1)
    assert "IO001" not in outcome.codes()
    if name == "unterminated.bib":
        assert "BIB001" in outcome.codes()


# ---------------------------------------------------------------------------------------
# Files that are not regular files


def test_a_fifo_is_reported_not_waited_on(project: Path) -> None:
    os.mkfifo(project / "pipe.md")
    (project / "essay.md").write_text(UNCITED)
    for args in (["pipe.md"], ["."]):
        outcome = citeaudit(args, project, timeout=20)
        assert outcome.code == 1
        assert any("named pipe" in m for m in outcome.messages()), outcome.records


def test_a_fifo_named_as_bibliography_is_reported(project: Path) -> None:
    os.mkfifo(project / "refs.bib")
    (project / "essay.md").write_text("---\nbibliography: refs.bib\n---\nText [@a].\n")
    outcome = citeaudit(["essay.md"], project, timeout=20)
    assert any("named pipe" in m for m in outcome.messages())


def test_front_matter_naming_dev_zero(project: Path) -> None:
    (project / "essay.md").write_text("---\nbibliography: /dev/zero\n---\nText [@a].\n")
    outcome = citeaudit(["essay.md"], project, timeout=20)
    assert any("outside the project" in m for m in outcome.messages())
    # Allowed outside, it is still no regular file: never read until memory runs out.
    allowed = citeaudit(["--allow-outside-root", "essay.md"], project, timeout=20)
    assert any("character device" in m for m in allowed.messages())


def test_latex_input_of_dev_zero(project: Path) -> None:
    (project / "main.tex").write_text("\\begin{document}\n\\input{/dev/zero}\n\\end{document}\n")
    allowed = citeaudit(["--allow-outside-root", "main.tex"], project, timeout=20)
    assert allowed.messages() == [
        "cannot read included file `/dev/zero`: not a regular file: it is a character device; "
        "not read"
    ]


def test_a_directory_symlink_loop_ends(project: Path) -> None:
    (project / "chapters").mkdir()
    (project / "chapters" / "essay.md").write_text(UNCITED)
    os.symlink("..", project / "chapters" / "up")
    os.symlink("loop.md", project / "loop.md")  # a link to itself
    outcome = citeaudit(["."], project, timeout=30)
    assert outcome.code == 1
    assert sorted(outcome.codes()) == ["CIT002", "IO001"]
    assert "symbolic link" in outcome.messages()[0]


def test_a_dangling_symlink_is_reported_named_or_found(project: Path) -> None:
    os.symlink("gone.md", project / "draft.md")
    for args in (["draft.md"], ["."]):
        outcome = citeaudit(args, project)
        assert outcome.code == 1, outcome.stderr
        assert outcome.messages() == [
            "broken symbolic link to 'gone.md': No such file or directory"
        ]


def test_a_file_deleted_during_the_run(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from citeaudit import run as running

    (project / "a.md").write_text(UNCITED)
    (project / "b.md").write_text(UNCITED)
    found = running.manuscripts

    def deleting(*args: Any, **kwargs: Any) -> Iterator[str]:
        for path in found(*args, **kwargs):
            yield path
            if path.endswith("a.md"):
                os.unlink(path)  # found by the walk, gone before it is read

    monkeypatch.setattr(running, "manuscripts", deleting)
    result = run_cli(["check", "--format", "json", "."], cwd=project)
    records = json.loads(result.stdout)
    assert result.exit_code == 1
    assert [(Path(r["path"]).name, r["code"]) for r in records] == [
        ("a.md", "IO001"),
        ("b.md", "CIT002"),
    ]
    assert "No such file" in records[0]["message"]


# ---------------------------------------------------------------------------------------
# Nothing outside the project


def test_latex_inputs_outside_the_project_are_not_read(project: Path) -> None:
    (project / "main.tex").write_text(
        "\\begin{document}\n\\input{/etc/passwd}\n\\input{../outside}\n\\input{main}\n"
        "\\end{document}\n"
    )
    outcome = citeaudit(["main.tex"], project)
    never_leaks(outcome)
    assert "root:" not in outcome.stdout
    messages = outcome.messages()
    assert sum("outside the project folder" in m for m in messages) == 2
    assert any("already being read" in m for m in messages)  # \input of itself
    # Asked for, it is read.
    allowed = citeaudit(["--allow-outside-root", "main.tex"], project)
    assert not any("outside the project" in m for m in allowed.messages())


def test_a_bibliography_outside_the_project_is_not_read(project: Path) -> None:
    (project / "essay.md").write_text("---\nbibliography: ../outside.bib\n---\nText [@a].\n")
    outcome = citeaudit(["essay.md"], project)
    never_leaks(outcome)
    assert any("outside the project" in m for m in outcome.messages())
    # The option can also come from the configuration (validated by its schema).
    (project / "citeaudit.toml").write_text("allow-outside-root = true\n")
    allowed = citeaudit(["essay.md"], project)
    # Read this time: `a` is looked up in its entries (rules judge only the entries a
    # manuscript cites, so the uncited one is not itself reported).
    assert "'a' matches no entry in outside.bib" in allowed.stdout
    assert not any("outside the project" in m for m in allowed.messages())


def test_a_symlink_out_of_the_project_is_outside(project: Path) -> None:
    os.symlink("../outside.bib", project / "refs.bib")
    (project / "essay.md").write_text("---\nbibliography: refs.bib\n---\nText [@a].\n")
    outcome = citeaudit(["essay.md"], project)
    never_leaks(outcome)
    assert any("outside the project" in m for m in outcome.messages())


def test_the_config_folder_is_the_project_without_git(tmp_path: Path) -> None:
    root = tmp_path / "book"
    (root / "chapters").mkdir(parents=True)
    (root / "citeaudit.toml").write_text('select = ["CIT", "IO"]\n')
    (root / "refs.bib").write_text("@book{a, title={A}, author={B, C}, year=2000}\n")
    (tmp_path / "outside.bib").write_text(f"@book{{{SECRET}, title={{x}}}}\n")
    (root / "chapters" / "one.md").write_text(
        "---\nbibliography: [../refs.bib, ../../outside.bib]\n---\nText [@a].\n"
    )
    outcome = citeaudit(["chapters/one.md"], root)
    never_leaks(outcome)
    assert len(outcome.messages()) == 1 and "outside the project" in outcome.messages()[0]


def test_allow_outside_root_is_validated(project: Path) -> None:
    (project / "citeaudit.toml").write_text('allow-outside-root = "yes"\n')
    (project / "essay.md").write_text(ESSAY)
    outcome = citeaudit(["essay.md"], project)
    assert outcome.code == 2
    assert "allow-outside-root: 'yes' is not of type 'boolean'" in outcome.stderr


# ---------------------------------------------------------------------------------------
# Configuration files


@pytest.mark.parametrize(
    ("content", "words"),
    [
        pytest.param(b'select = ["CIT"]\n# caf\xe9\n', "not UTF-8 (byte 22, line 2)", id="latin1"),
        pytest.param(
            b"a = " + b"[" * 5000 + b"]" * 5000 + b"\n", "nested too deeply", id="deep-array"
        ),
        pytest.param(b"a = " + b"[" * 40 + b"]" * 40 + b"\n", "nested 40 levels deep", id="deep"),
        pytest.param(b"x = {" * 3000 + b"}" * 3000, "", id="deep-tables"),
    ],
)
def test_a_bad_config_names_the_file(project: Path, content: bytes, words: str) -> None:
    (project / "citeaudit.toml").write_bytes(content)
    (project / "essay.md").write_text(ESSAY)
    outcome = citeaudit(["essay.md"], project)
    assert outcome.code == 2
    assert outcome.stderr.startswith(f"citeaudit: {project / 'citeaudit.toml'}: ")
    assert words in outcome.stderr


def test_a_config_that_is_a_fifo_is_reported(project: Path) -> None:
    os.mkfifo(project / "citeaudit.toml")
    (project / "essay.md").write_text(ESSAY)
    outcome = citeaudit(["--config", "citeaudit.toml", "essay.md"], project, timeout=20)
    assert outcome.code == 2 and "named pipe" in outcome.stderr


# ---------------------------------------------------------------------------------------
# One bad file never costs the run


def test_a_url_urlsplit_rejects_does_not_crash_the_rules(project: Path) -> None:
    (project / "a.md").write_text(
        "Text [1].\n\n# References\n\n1. http://]c\n2. Smith. http://[::1 and https://[zz]/x\n"
    )
    (project / "b.md").write_text(UNCITED)
    outcome = citeaudit(["a.md", "b.md"], project)
    assert outcome.code == 1
    assert ("b.md", "CIT002") in [(r["path"], r["code"]) for r in outcome.records]


# ---------------------------------------------------------------------------------------
# Permissions, as a user who is not root


NOBODY = 65534
_AS_NOBODY = """
import json, os, sys
from citeaudit.run import Options, run
# Warm up every lazy import while still allowed to read the interpreter's files.
run(Options(paths=tuple(sys.argv[2:3]), output_format="json", output=os.devnull, no_cache=True))
os.setgroups([])
os.setgid({uid})
os.setuid({uid})
os.chdir(sys.argv[1])
sys.exit(run(Options(paths=tuple(sys.argv[3:]), output_format="json", no_cache=True)))
"""


def as_nobody(folder: Path, paths: Sequence[str]) -> Outcome:
    if os.geteuid() != 0:
        proc = subprocess.run(
            [sys.executable, "-m", "citeaudit", "check", "--format", "json", *paths],
            cwd=folder,
            capture_output=True,
            text=True,
            timeout=60,
        )
    else:
        warm = folder / "warm" / "essay.md"
        proc = subprocess.run(
            [sys.executable, "-c", _AS_NOBODY.format(uid=NOBODY), str(folder), str(warm), *paths],
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert "Traceback" not in proc.stderr and "internal error" not in proc.stderr, proc.stderr
    return Outcome(proc.returncode, json.loads(proc.stdout or "[]"), proc.stderr, proc.stdout)


@pytest.fixture
def shared_folder() -> Iterator[Path]:
    """A project that the user `nobody` can reach (pytest's tmp_path is private to root)."""
    folder = Path(tempfile.mkdtemp(prefix="citeaudit-perm-"))
    folder.chmod(0o755)
    (folder / ".git").mkdir()
    (folder / "warm").mkdir()
    (folder / "warm" / "essay.md").write_text(UNCITED)
    try:
        yield folder
    finally:
        for path in folder.rglob("*"):
            if path.is_dir() and not path.is_symlink():
                path.chmod(0o755)
        shutil.rmtree(folder)


def test_permission_denied_is_io001_named_or_found(shared_folder: Path) -> None:
    secret = shared_folder / "secret.md"
    secret.write_text(UNCITED)
    secret.chmod(0)
    (shared_folder / "locked").mkdir()
    (shared_folder / "locked" / "inside.md").write_text(UNCITED)
    (shared_folder / "locked").chmod(0)
    (shared_folder / "open.md").write_text(UNCITED)

    # A file in a folder that may not be searched looked missing: exit 2, a usage error.
    named = as_nobody(shared_folder, ["secret.md", "open.md", "locked/inside.md"])
    assert named.code == 1, named.stderr
    assert sorted((r["path"], r["code"], r["message"]) for r in named.records) == [
        ("locked/inside.md", "IO001", "cannot read file: Permission denied"),
        ("open.md", "CIT002", "entry [2] is never cited"),
        ("secret.md", "IO001", "cannot read file: Permission denied"),
    ]

    walked = as_nobody(shared_folder, ["."])
    found = {(r["path"], r["code"], r["message"]) for r in walked.records}
    assert ("locked", "IO001", "cannot read folder: Permission denied") in found
    assert ("secret.md", "IO001", "cannot read file: Permission denied") in found
    assert ("open.md", "CIT002") in {(p, c) for p, c, _ in found}
    assert walked.code == 1


def test_permission_denied_on_an_include(shared_folder: Path) -> None:
    (shared_folder / "part.tex").write_text("\\cite{a}\n")
    (shared_folder / "part.tex").chmod(0)
    (shared_folder / "main.tex").write_text("\\begin{document}\n\\input{part}\n\\end{document}\n")
    outcome = as_nobody(shared_folder, ["main.tex"])
    assert outcome.code == 1
    assert [r["message"] for r in outcome.records] == [
        "cannot read included file `part`: Permission denied"
    ]
    assert stat.S_IMODE((shared_folder / "part.tex").stat().st_mode) == 0


def test_endless_standard_input_is_cut_at_the_limit(project: Path) -> None:
    with open("/dev/zero", "rb") as zeros:
        proc = subprocess.run(
            [sys.executable, "-m", "citeaudit", "check", "--format", "json", "-"],
            cwd=project,
            stdin=zeros,
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert proc.returncode == 1, proc.stderr
    (record,) = json.loads(proc.stdout)
    assert record["code"] == "IO001" and "over the 20 MiB limit" in record["message"]


def test_a_baseline_that_is_a_fifo_is_an_error_not_a_hang(project: Path) -> None:
    os.mkfifo(project / "baseline.json")
    (project / "essay.md").write_text(UNCITED)
    outcome = citeaudit(["--baseline", "baseline.json", "essay.md"], project, timeout=20)
    assert outcome.code == 2
    assert "baseline.json: not a regular file: it is a named pipe (FIFO)" in outcome.stderr


def test_a_symlink_found_in_a_walk_is_not_followed_out_of_the_project(project: Path) -> None:
    os.symlink("../outside.tex", project / "notes.tex")
    os.symlink("/etc/passwd", project / "passwd.md")
    (project / "essay.md").write_text(UNCITED)
    outcome = citeaudit(["."], project)
    never_leaks(outcome)
    assert "root:" not in outcome.stdout
    assert sorted((r["path"], r["code"]) for r in outcome.records) == [
        ("essay.md", "CIT002"),
        ("notes.tex", "IO001"),
        ("passwd.md", "IO001"),
    ]
    assert all("outside the project" in m for m in outcome.messages())
    # Named by the user, a file is read wherever it lies.
    assert "IO001" not in citeaudit(["notes.tex"], project).codes()


def test_the_encoding_warning_points_at_the_first_bad_byte(project: Path) -> None:
    # UTF-8 before the bad byte: the whole file is read as cp1252, one character a byte.
    data = "Caf\u00e9 society [1].\n".encode() + b"Na\xefve claim.\n" + ESSAY[32:].encode()
    (project / "essay.md").write_bytes(data)
    (record,) = [r for r in citeaudit(["essay.md"], project).records if r["code"] == "IO001"]
    assert (record["line"], record["column"]) == (2, 3)
