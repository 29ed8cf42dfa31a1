"""Every file citeaudit reads goes through `read_bytes`; every file it writes, `write_atomic`.

A pre-commit hook or CI job runs citeaudit on whatever a stranger's pull request
contains, so reading is guarded in one place: only regular files (a FIFO would block the
run, `/dev/zero` would never end), never more than the size limit, and files that a
manuscript names (`\\input`, `bibliography:`) only inside the project unless the user
allows more. Otherwise the keys of `\\input{/etc/passwd}` would come back in annotations.
"""

from __future__ import annotations

import codecs
import contextlib
import os
import stat
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from typing import BinaryIO

from citeaudit.patterns import LazyPattern

MAX_BYTES = 20 * 1024 * 1024
_MIB = 1024 * 1024

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_LONE_CR = LazyPattern(r"\r(?!\n)")


class ReadError(Exception):
    """A file that cannot be read; the message says why, never what it holds."""

    @property
    def reason(self) -> str:
        """The message without "cannot read file: ", for callers that say that already."""
        return str(self).removeprefix("cannot read file: ")


@dataclass(frozen=True, slots=True)
class Decoded:
    """Decoded file contents, and how they were decoded."""

    text: str  # lone carriage returns (classic Mac OS line ends) read as newlines
    encoding: str
    bom: bool
    fallback: bool
    # Offset in `text` of the first byte that is not UTF-8, when read as cp1252.
    bad_offset: int | None = None
    # The decoded text before lone carriage returns became newlines, when it differs.
    # Both have the same length, so an offset into one is an offset into the other.
    original: str | None = None


@dataclass(frozen=True, slots=True)
class Scope:
    """Where the files a manuscript names may be read from."""

    roots: tuple[str, ...]
    allow_outside: bool = False


# The files a manuscript names are read by several modules (LaTeX includes, the
# bibliographies found in front matter or by `\\bibliography`): the run sets the scope
# once per manuscript instead of threading it through each of them.
_scope: ContextVar[Scope | None] = ContextVar("citeaudit_read_scope", default=None)


@contextlib.contextmanager
def scope(current: Scope) -> Iterator[None]:
    token = _scope.set(current)
    try:
        yield
    finally:
        _scope.reset(token)


def project_roots(path: str, config_root: str | None) -> tuple[str, ...]:
    """The project of a manuscript: its git work tree and the folder of its config file;
    without either, the current folder, or the manuscript's own folder when it lies
    outside the current folder."""
    folder = os.path.dirname(os.path.abspath(path))
    roots = [r for r in (git_root(folder), config_root) if r]
    if not roots:
        cwd = os.getcwd()
        roots = [cwd if _inside(os.path.realpath(folder), os.path.realpath(cwd)) else folder]
    return tuple(os.path.realpath(r) for r in roots)


def git_root(folder: str) -> str | None:
    current = os.path.abspath(folder)
    while True:
        if os.path.exists(os.path.join(current, ".git")):
            return current
        parent = os.path.dirname(current)
        if parent == current:
            return None
        current = parent


def read_bytes(path: str, *, named: bool = False, limit: int = MAX_BYTES) -> bytes:
    """The bytes of `path`, or ReadError with the reason.

    `named`: the path comes from the files (an include, a bibliography, a symbolic link
    found in a folder walk) rather than from the user, so it must lie inside the current
    scope's project. What a manuscript names is recorded (`citeaudit.readlog`), so the
    cache knows when its result is stale."""
    if not named:
        return _read_bytes(path, named=False, limit=limit)
    from citeaudit.readlog import note_file

    try:
        data = _read_bytes(path, named=True, limit=limit)
    except ReadError:
        note_file(path, None)
        raise
    note_file(path, data)
    return data


def _read_bytes(path: str, *, named: bool, limit: int) -> bytes:
    current = _scope.get()
    if named and current is not None and not current.allow_outside:
        real = os.path.realpath(path)
        if not any(_inside(real, root) for root in current.roots):
            raise ReadError(
                "outside the project folder "
                f"({', '.join(current.roots)}); not read (allow it with --allow-outside-root)"
            )
    try:
        before = os.stat(path)
    except OSError as error:
        if os.path.islink(path):
            raise ReadError(
                f"broken symbolic link to {os.readlink(path)!r}: {error.strerror or error}"
            ) from error
        raise ReadError(f"cannot read file: {error.strerror or error}") from error
    _check_kind(before.st_mode)
    if before.st_size > limit:
        raise ReadError(_too_large(before.st_size, limit))
    try:
        # O_NONBLOCK: should the file have been swapped for a FIFO since the stat, opening
        # it must not wait for a writer.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    except OSError as error:
        raise ReadError(f"cannot read file: {error.strerror or error}") from error
    try:
        _check_kind(os.fstat(fd).st_mode)
        chunks: list[bytes] = []
        total = 0
        while True:
            chunk = os.read(fd, min(1 << 20, limit + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
            if total > limit:
                raise ReadError(_too_large(total, limit))
    except OSError as error:
        raise ReadError(f"cannot read file: {error.strerror or error}") from error
    finally:
        os.close(fd)
    return b"".join(chunks)


def read_text(path: str, *, named: bool = False, limit: int = MAX_BYTES) -> Decoded:
    """Read and decode `path`; ReadError when it cannot be read or is not text."""
    decoded = decode(read_bytes(path, named=named, limit=limit))
    if decoded is None:
        raise ReadError("file is binary or not in a text encoding citeaudit can read")
    return decoded


def decode(data: bytes) -> Decoded | None:
    """UTF-8 or what the BOM names; cp1252 as a last resort. None for binary data."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return _lines(Decoded(data[len(bom) :].decode(encoding), encoding, True, False))
            except UnicodeDecodeError:
                return None
    if b"\x00" in data[:8192]:
        return None
    try:
        return _lines(Decoded(data.decode("utf-8"), "utf-8", False, False))
    except UnicodeDecodeError as error:
        bad = error.start
    # cp1252 is what old Windows tools wrote and reads curly quotes and dashes right; the
    # five bytes it leaves undefined fall back to Latin-1, which reads anything.
    try:
        text, encoding = data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        text, encoding = data.decode("latin-1"), "latin-1"
    controls = sum(1 for ch in text[:8192] if ord(ch) < 32 and ch not in "\t\r\n\f")
    if controls > 8:
        return None
    # cp1252 and Latin-1 read one character per byte: the bad byte's offset is its index.
    return _lines(Decoded(text, encoding, False, True, bad))


def fallback_message(decoded: Decoded) -> str:
    """What an IO001 on the first byte that is not UTF-8 says, for a file read anyway."""
    name = "cp1252 (Windows-1252)" if decoded.encoding == "cp1252" else "Latin-1"
    return f"file is not valid UTF-8 (first at this character); read it as {name}"


def _lines(decoded: Decoded) -> Decoded:
    if "\r" not in decoded.text or not _LONE_CR.search(decoded.text):
        return decoded
    text = _LONE_CR.sub("\n", decoded.text)
    return Decoded(
        text,
        decoded.encoding,
        decoded.bom,
        decoded.fallback,
        decoded.bad_offset,
        original=decoded.text,
    )


def _check_kind(mode: int) -> None:
    if stat.S_ISREG(mode):
        return
    kinds = (
        (stat.S_ISDIR, "a folder"),
        (stat.S_ISFIFO, "a named pipe (FIFO)"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISSOCK, "a socket"),
    )
    kind = next((name for test, name in kinds if test(mode)), "not a regular file")
    raise ReadError(f"not a regular file: it is {kind}; not read")


def _too_large(size: int, limit: int) -> str:
    shown = f"{size // _MIB} MiB" if size >= _MIB else f"{size} bytes"
    return f"file is {shown}, over the {limit // _MIB} MiB limit; not read"


def _inside(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


# ---------------------------------------------------------------------------------------
# Writing


class WriteRefused(Exception):
    """Rewriting the file would lose something the user owns; the message says what."""


def write_atomic(
    path: str, data: bytes | Callable[[BinaryIO], None], *, keep_owner: bool = False
) -> None:
    """Replace `path` with `data` so that a reader, or a kill at any moment, sees the old
    file or the new one, never a mix, and no temporary file is left behind. `data` may
    be a function that writes the content to the stream it is given (a report written
    as the run goes on), so the content need not be held in memory.

    The new file keeps the old one's mode. With `keep_owner` (a user's own file, not a
    report) it keeps the owner and group too, and WriteRefused says why when it cannot:
    a file with other hard links (a rename would cut them off), or another user's."""
    folder = os.path.dirname(os.path.abspath(path))
    old: os.stat_result | None = None
    with contextlib.suppress(FileNotFoundError):
        old = os.stat(path)
    if old is not None and keep_owner:
        if old.st_nlink > 1:
            raise WriteRefused(
                f"it has {old.st_nlink - 1} other hard link(s), which a rewrite would cut off"
            )
        if old.st_uid != os.geteuid() and os.geteuid() != 0:
            raise WriteRefused("it belongs to another user, and a rewrite would change its owner")
    fd, temporary = _open_temporary(folder)
    try:
        with os.fdopen(fd, "wb", closefd=True) as stream:
            if callable(data):
                data(stream)
            else:
                stream.write(data)
            stream.flush()
            if old is not None:
                # The owner first: chown clears the set-user-ID and set-group-ID bits.
                if keep_owner and (old.st_uid, old.st_gid) != (os.geteuid(), os.getegid()):
                    try:
                        os.fchown(stream.fileno(), old.st_uid, old.st_gid)
                    except PermissionError as error:
                        raise WriteRefused(
                            f"its owner and group cannot be kept ({error.strerror})"
                        ) from error
                os.fchmod(stream.fileno(), old.st_mode & 0o7777)
            else:
                # A new file (a report, a cache entry) gets the mode any new file would, not
                # the private 0600 of a temporary one.
                os.fchmod(stream.fileno(), 0o666 & ~_umask())
            os.fsync(stream.fileno())
            if temporary is None:
                # An unnamed file (O_TMPFILE): nothing is on disk to leave behind until it
                # gets a name, and it gets one only for the instant before the rename.
                _link_and_replace(stream.fileno(), folder, path)
                return
        os.replace(temporary, path)
    except BaseException:
        if temporary is not None and os.path.lexists(temporary):
            os.unlink(temporary)
        raise


def _umask() -> int:
    mask = os.umask(0o022)  # the only way to read it is to set it, so set it back at once
    os.umask(mask)
    return mask


def _open_temporary(folder: str) -> tuple[int, str | None]:
    flag = getattr(os, "O_TMPFILE", 0)
    if flag and os.path.isdir("/proc/self/fd"):
        with contextlib.suppress(OSError):
            return os.open(folder, flag | os.O_WRONLY, 0o600), None
    import tempfile  # only a write needs it: a check does not pay for its import

    fd, name = tempfile.mkstemp(prefix=".citeaudit-", dir=folder)
    return fd, name


def _link_and_replace(fd: int, folder: str, path: str) -> None:
    import signal  # only a write needs it, as tempfile above

    name = os.path.join(folder, f".citeaudit-{os.getpid()}-{os.urandom(4).hex()}")
    blocked = {signal.SIGINT, signal.SIGTERM, signal.SIGHUP}
    old_mask = signal.pthread_sigmask(signal.SIG_BLOCK, blocked)
    try:
        # linkat(AT_SYMLINK_FOLLOW) through /proc is how an O_TMPFILE file gets a name;
        # os.link calls linkat only when given a directory fd.
        proc = os.open("/proc/self/fd", os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.link(str(fd), name, src_dir_fd=proc, follow_symlinks=True)
        finally:
            os.close(proc)
        os.replace(name, path)
    except BaseException:
        if os.path.lexists(name):
            os.unlink(name)
        raise
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old_mask)
