"""``SHA256SUMS``: every file a release holds, pinned by its sha256, in the format ``sha256sum -c``
reads (``<64 hex digits>  <path>``, one line a file, sorted by path). The publish step writes it
last; ``validate`` checks every file against it, every file of the folder to be listed, and the
list itself against the one of the published release the copy claims to be.

>>> print(render({"b.csv": b"x", "a.txt": b""}).decode()[:71])
e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855  a.txt
"""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path, PurePosixPath

from .hashes import sha256_bytes
from .problems import PackageError, Problem
from .untrusted import Total, read_file

NAME = "SHA256SUMS"
# a line as sha256sum writes it: the digest (in either case), a space, then a space (text mode) or
# "*" (binary mode, as `sha256sum -b` and Windows' tools write; the same bytes are hashed), the path
LINE = re.compile(r"^([0-9a-fA-F]{64}) [ *](\S(?:.*\S)?)$")
MAX_FILES = 1000  # the most files (and folders, and other entries) a release folder may hold, at every depth
MAX_DEPTH = 8  # the deepest a file may lie below the release folder (a release's lie one deep)


class FolderTooLarge(PackageError):
    """A folder holds more entries, or lies deeper, than a release may."""


def render(files: dict[str, bytes]) -> bytes:
    """The SHA256SUMS of ``files`` (relative path -> bytes)."""
    return "".join(f"{sha256_bytes(data)}  {path}\n" for path, data in sorted(files.items())).encode("utf-8")


def files_of(folder: Path, others: list[str] | None = None, unlisted: list[str] | None = None) -> list[str]:
    """Every regular file below ``folder`` but SHA256SUMS, as sorted relative POSIX paths (a link
    is never followed); what is neither a file nor a folder (a link, a device, a FIFO) is added to
    ``others``, and a folder that cannot be listed (its mode) to ``unlisted``, where given (what it
    holds is not found). :class:`FolderTooLarge` past ``MAX_FILES`` entries or ``MAX_DEPTH``
    folders deep: the walk keeps no stack of its own calls, so no depth of folders exhausts it."""
    found: list[str] = []
    pending, entries = [(Path(folder), 0)], 0
    while pending:
        top, depth = pending.pop()
        try:
            listing = list(_bounded_listing(top, MAX_FILES - entries))
        except OSError:  # a folder that cannot be listed: what it holds is not found, and the folder is said
            if unlisted is not None:
                unlisted.append(top.relative_to(folder).as_posix())
            continue
        entries += len(listing)
        for entry in listing:
            kind = _kind(entry)
            if kind == "folder":
                if depth + 1 > MAX_DEPTH:
                    raise FolderTooLarge(f"folders lie more than {MAX_DEPTH} deep (at {Path(entry.path).relative_to(folder)})")
                pending.append((Path(entry.path), depth + 1))
            elif kind == "file" and (relative := Path(entry.path).relative_to(folder).as_posix()) != NAME:
                found.append(relative)
            elif kind == "other" and others is not None:
                others.append(Path(entry.path).relative_to(folder).as_posix())
    for named in (others, unlisted):
        if named is not None:
            named.sort()
    return sorted(found)


def _neither_file_nor_folder(folder: Path, others: list[str], unlisted: list[str]) -> list[Problem]:
    """The entries of the release folder that are neither a file nor a folder this package may
    list (:func:`files_of`), as problems."""
    # what a copy that follows links (a web server, cp -L, an archiver) would publish in its place
    linked = "a link, a device or a FIFO in the release folder (a copy that follows links would publish what it leads to)"
    # a file such a folder holds that the list does not name would go unseen
    closed = f"a folder that cannot be listed (its mode): the files it holds cannot be checked against {NAME}"
    return [
        *(Problem("file-unsafe", str(folder / path), linked, expected="files and folders only") for path in others),
        *(Problem("file-unsafe", str(folder / path), closed, expected="folders that can be listed") for path in unlisted),
    ]


def _kind(entry: os.DirEntry) -> str | None:
    """ "folder", "file" (regular), "other" (a link, a device, a FIFO), or None (gone meanwhile)."""
    try:
        mode = entry.stat(follow_symlinks=False).st_mode
    except OSError:
        return None
    return "folder" if stat.S_ISDIR(mode) else "file" if stat.S_ISREG(mode) else "other"


def _bounded_listing(folder: Path, room: int):
    """The entries of ``folder``, at most ``room`` of them (else :class:`FolderTooLarge`)."""
    with os.scandir(folder) as listing:
        for count, entry in enumerate(listing, start=1):
            if count > room:
                raise FolderTooLarge(f"the folder holds more than {MAX_FILES} files and folders, at every depth")
            yield entry


def parse(data: bytes, file: str) -> tuple[dict[str, str], list[Problem]]:
    """The listed sha256 of each path, and a problem for every line that is not one."""
    listed, problems = {}, []
    try:
        # lines as sha256sum reads them: ended by a line feed (a carriage return before it dropped),
        # not by the other breaks str.splitlines knows (a vertical tab, U+0085, U+2028 ...)
        lines = [line.removesuffix("\r") for line in data.decode("utf-8").removesuffix("\n").split("\n")] if data else []
    except UnicodeDecodeError:
        return {}, [Problem("sums-shape", file, "the list is not UTF-8 text", expected="lines of sha256 and path")]
    if len(lines) > MAX_FILES:  # a problem each would cost more than the list could ever pin
        found, expected = f"{len(lines)} lines", f"at most {MAX_FILES} lines"
        return {}, [Problem("sums-shape", file, "the list is longer than a release", found=found, expected=expected)]
    for number, line in enumerate(lines, start=1):
        match = LINE.match(line)
        path = match.group(2) if match else None
        if match is None or PurePosixPath(path).is_absolute() or ".." in PurePosixPath(path).parts or path in listed:
            problems.append(
                Problem(
                    "sums-shape",
                    file,
                    "not a line of sha256 and a path inside the release",
                    number,
                    found=line,
                    expected="<64 hex digits>  <relative path>, each path once",
                )
            )
            continue
        listed[path] = match.group(1).lower()
    return listed, problems


def check(folder: Path) -> list[Problem]:
    """Every problem of the release in ``folder`` with its SHA256SUMS; each file is read within
    the bounds (:func:`~stalking_flanders.untrusted.read_file`), and the files listed up to
    ``MAX_TOTAL_BYTES`` together (:class:`~stalking_flanders.untrusted.Total`)."""
    file = str(folder / NAME)
    try:
        kind = os.lstat(folder / NAME).st_mode
    except OSError:
        kind = None
    if kind is None or stat.S_ISDIR(kind):
        return [Problem("sums-missing", file, "the release has no list of its files' sha256", expected=f"a {NAME} file")]
    try:
        if not stat.S_ISREG(kind):
            raise OSError("a link or a device, not a regular file")
        data = read_file(folder / NAME, root=folder)
    except OSError as error:
        return [Problem("file-unsafe", file, f"cannot be read ({error.strerror or error})", expected=f"a {NAME} file")]
    listed, problems, others, unlisted = *parse(data, file), [], []
    try:
        present = files_of(folder, others, unlisted)
    except FolderTooLarge as error:
        return problems + [Problem("file-unsafe", str(folder), f"cannot be checked: {error}", expected="a release folder")]
    problems += _neither_file_nor_folder(folder, others, unlisted)
    for path in sorted(set(present) - set(listed)):
        problems.append(Problem("sums-unlisted", str(folder / path), f"a file of the folder that {NAME} does not list"))
    total, present = Total(file, f"the files {NAME} lists"), set(present)
    for path, digest in listed.items():
        if path not in present:
            problems.append(Problem("sums-unlisted", str(folder / path), f"{NAME} lists a file that is not there"))
            continue
        try:
            data = read_file(folder / path, root=folder)
        except OSError as error:  # too large to read, or gone meanwhile
            problems.append(
                Problem(
                    "file-unsafe",
                    str(folder / path),
                    f"cannot be read ({error.strerror or error})",
                    expected=f"a file {NAME} lists",
                )
            )
            continue
        if too_large := total.add(len(data)):  # the same file linked many times is read each time
            problems.append(too_large)
            break
        if sha256_bytes(data) != digest:
            problems.append(
                Problem("sums-differs", str(folder / path), f"the file's sha256 differs from {NAME}", expected=f"sha256 {digest}")
            )
    return problems
