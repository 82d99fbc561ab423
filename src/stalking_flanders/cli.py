"""The command line: ``stalking-flanders tables | show | info | validate | diff | dcat``.

Exit codes: 0 ok, 1 invalid data (or a package that cannot be read safely), 2 usage error (a
path that names nothing, a wrong option or setting, an extra the command needs that is not
installed), 3 internal error (a bug). Messages go to stderr, data to
stdout; everything a package says is printed escaped (no control characters) and cut if long.
"""

from __future__ import annotations

import argparse
import codecs
import io
import re
import sys
import textwrap
from contextlib import contextmanager

from .datapackage import DataPackage, UnknownNameError, bundled
from .extras import MissingExtra, extra_of, how_to_install, require
from .facts import CODES, DCAT_AP
from .limits import ADDRESS_LIMIT, LimitExceeded, bounded, stopped_cleanly
from .portal_settings import SettingsError
from .problems import DataError, PackageError, counted, escape_character, escaped, printable
from .texts import MissingText
from .untrusted import MAX_PROBLEMS_PER_CODE, NotFound

OK, INVALID, USAGE, INTERNAL = 0, 1, 2, 3
SHOW_WIDTH = 40  # the widest a column of `show --format table` gets; longer text wraps
CAVEAT_WIDTH = 100  # the caveats `show` prints under a table, wrapped


# What the package is, Dutch first: also the first paragraph of the package's docstring and pyproject's
# description (a test holds the three alike)
SUMMARY = (
    "Cijfers uit het antwoord op schriftelijke vraag nr. 186 (2021) over stalking (Vlaams Parlement) / "
    "Figures from the answer to written question nr. 186 (2021) on stalking (Flemish Parliament)."
)


def _version() -> str:
    """The package's version, and the bundled data's (the same in a release)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        code = version("stalking-flanders")
    except PackageNotFoundError:
        code = "unknown"
    try:
        data = bundled().descriptor.get("version")
    except (OSError, PackageError):  # a damaged installation still answers --version
        data = "unreadable"
    return f"stalking-flanders {code} (data version {data})"


class _Version(argparse.Action):
    """``--version``: the versions are read only when it is asked for, not for every command."""

    def __init__(self, option_strings, dest, **kwargs) -> None:
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS, **kwargs)

    def __call__(self, parser, namespace, values, option_string=None) -> None:
        print(_version())
        parser.exit()


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="stalking-flanders",
        description=SUMMARY,
    )
    parser.add_argument("--version", action=_Version, help="print the version and exit")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    sub.add_parser(
        "tables",
        help="list the tables with their titles",
        description="List the tables of the bundled release: each name, then its title in Dutch and in English, tab-separated.",
    )
    _add_show(sub)
    sub.add_parser(
        "info",
        help="version, sources, caveats, licence, citation",
        description="Print the version, the source question(s), the caveats, the licence and how to cite.",
    )
    validate = sub.add_parser(
        "validate",
        help="validate a data package",
        description="Validate a whole data package: Frictionless checks, pandera models, rules across tables, "
        "file hashes and sizes, and every figure against the archived answer. Exit 1 if any problem.",
    )
    validate.add_argument("descriptor", nargs="?", type=_path, metavar="DESCRIPTOR", help=f"{PACKAGE_PATH} (default: bundled)")
    diff = sub.add_parser(
        "diff",
        help="what changed between two releases",
        description="Which tables, fields, rows and figures were added, removed or changed between two releases "
        "(folders or datapackage.json files), and the version bump that needs.",
    )
    diff.add_argument("old", type=_path, metavar="OLD", help="the older release (folder or datapackage.json)")
    diff.add_argument("new", type=_path, metavar="NEW", help="the newer release (folder or datapackage.json)")
    diff.add_argument("--format", choices=["text", "json"], default="text", help="output format (default: text)")
    _add_dcat(sub)
    return parser


def _add_show(sub) -> None:
    show = sub.add_parser("show", help="print a table", description="Print a table of the bundled release.")
    show.add_argument("name", metavar="NAME", help="a table name (see: stalking-flanders tables)")
    show.add_argument(
        "--lang",
        choices=CODES,
        default=CODES[0],
        help=f"language of the category labels (default: {CODES[0]}, as published; en: translations made for this "
        "package, with the published label beside them in category_nl)",
    )
    show.add_argument(
        "--format",
        choices=["table", "csv", "json"],
        help="output format (default: an aligned table on a terminal, CSV when piped or redirected)",
    )
    show.add_argument("--series", metavar="SERIES", help="only the rows of this series (see: stalking-flanders show series)")


def _add_dcat(sub) -> None:
    dcat = sub.add_parser(
        "dcat",
        help="DCAT-AP metadata for open-data portals",
        description=f"Print a DCAT-AP {DCAT_AP} record (catalogue, dataset, a distribution for every file) of the bundled "
        "release or of RELEASE. Values only the maintainers know come from --config (a TOML file with a "
        "[portal] table) or from the options; a missing one is an error.",
    )
    dcat.add_argument("--release", type=_path, metavar="RELEASE", help=f"{PACKAGE_PATH} (default: bundled)")
    dcat.add_argument("--config", type=_path, metavar="FILE", help="a TOML file whose [portal] table holds the settings below")
    dcat.add_argument("--format", choices=["turtle", "json-ld"], default="turtle", help="output format (default: turtle)")
    from .portal_settings import OPTIONAL, REQUIRED

    for key, help_text in {**REQUIRED, **OPTIONAL}.items():
        dcat.add_argument(f"--{key.replace('_', '-')}", dest=key, metavar=key.upper(), help=help_text)


PACKAGE_PATH = "a release folder or its datapackage.json"


def _path(given: str) -> str:
    """A path the user gives: an empty one names nothing (it would mean the current folder)."""
    if not given:
        raise argparse.ArgumentTypeError("an empty path names nothing")
    return given


def _dcat(args) -> int:
    from .dcat import in_format_escapes, record
    from .portal_settings import OPTIONAL, REQUIRED, load_settings

    try:
        settings = load_settings(args.config, **{k: getattr(args, k) for k in {**REQUIRED, **OPTIONAL}})
        made = record(DataPackage(args.release), settings, args.format)
        sys.stdout.write(in_format_escapes(made, args.format, getattr(sys.stdout, "encoding", None) or "utf-8"))
    except SettingsError as error:
        print(
            "\n".join(
                f"stalking-flanders dcat: {printable(line, 2000)}" if i == 0 else printable(line, 2000)
                for i, line in enumerate(str(error).splitlines())
            ),
            file=sys.stderr,
        )
        return USAGE
    return OK


def _diff(args) -> int:
    import json

    from .diff import as_text, diff_releases

    result = diff_releases(args.old, args.new)
    # JSON escapes every control character (ensure_ascii); the text escapes what the packages say
    if args.format == "text":
        sys.stdout.write(as_text(result))
    else:  # written as it is made, a piece at a time: the whole text is never held at once
        json.dump(result, sys.stdout, indent=2, ensure_ascii=True)
        sys.stdout.write("\n")
    return OK


def _tables(args) -> int:
    release = bundled()
    for name in release.tables():  # each title in Dutch first, English beside it
        resource = release.resource(name)
        translated = {lang: t.get("title", "") for lang, t in resource.get("translations", {}).items()}
        titles = {"en": resource.get("title", ""), **translated}
        print("\t".join([name, *(titles.get(lang, "") for lang in CODES)]))
    return OK


def _show(args) -> int:
    from .loader import load

    table = load(args.name, lang=args.lang)
    if args.series is not None:
        table = _of_series(table, args.name, args.series)
    fmt = args.format or ("table" if sys.stdout.isatty() else "csv")
    if fmt == "table":
        sys.stdout.write(aligned(table))
    elif fmt == "csv":
        sys.stdout.write(table.to_csv(index=False, lineterminator="\n", date_format="%Y-%m-%d"))
    else:
        sys.stdout.write(table.to_json(orient="records", force_ascii=False, date_format="iso", indent=2) + "\n")
    # What the figures of each series shown count and do not, Dutch first and English beside it:
    # beside a table on a terminal, apart from the data (on stderr) when the data go to a file or a program.
    shown = list(dict.fromkeys(table["series"])) if "series" in table.columns else []
    out = sys.stdout if fmt == "table" else sys.stderr
    if args.lang != CODES[0] and table.attrs["labels"]:  # which labels are translations of ours, Dutch first
        for lang in CODES:
            print("\n" + textwrap.fill(table.attrs[f"labels_{lang}"], CAVEAT_WIDTH, break_on_hyphens=False), file=out)
    for series in shown:
        for lang in CODES:  # the table carries its caveats in every language
            about = f"{series}: {table.attrs[f'caveats_{lang}'][series]}"  # which quotes what each figure counts
            print("\n" + textwrap.fill(about, CAVEAT_WIDTH, break_on_hyphens=False), file=out)
    return OK


def _of_series(table, name: str, series: str):
    if "series" not in table.columns:
        raise UnknownNameError(f"the table {name!r} has no series column; --series works on a table that has one")
    known = list(dict.fromkeys(table.attrs["measures"]))
    if series not in known:
        raise UnknownNameError(f"no series {series!r}; the series are: {', '.join(known)}")
    return table[table["series"] == series].reset_index(drop=True)


def aligned(table) -> str:
    """``table`` as aligned text: numbers to the right, text to the left, each column at most
    ``SHOW_WIDTH`` characters wide; longer text wraps onto more lines of its row (nothing is cut).

    >>> import pandas as pd
    >>> print(aligned(pd.DataFrame({"label": ["a", "bb"], "count": [5, 12]})), end="")
    label  count
    a          5
    bb        12
    >>> print(aligned(pd.DataFrame({"label": ["Gedragsproblemen - maatschappelijk niet aanvaard gedrag"], "n": [1]})), end="")
    label                                    n
    Gedragsproblemen - maatschappelijk niet  1
    aanvaard gedrag
    """
    import pandas as pd

    columns = []
    for name in table.columns:
        cells = [name] + ["" if pd.isna(v) else v.strftime("%Y-%m-%d") if hasattr(v, "strftime") else str(v) for v in table[name]]
        wrapped = [textwrap.wrap(c, SHOW_WIDTH, break_on_hyphens=False) or [""] for c in cells]
        width = max(len(line) for lines in wrapped for line in lines)
        numeric = pd.api.types.is_numeric_dtype(table[name]) and not pd.api.types.is_bool_dtype(table[name])
        columns.append(
            [[line.rjust(width) if numeric and i else line.ljust(width) for line in lines] for i, lines in enumerate(wrapped)]
        )
    out = []
    for row in zip(*columns):
        height = max(map(len, row))
        for k in range(height):
            out.append("  ".join(lines[k] if k < len(lines) else " " * len(lines[0]) for lines in row).rstrip() + "\n")
    return "".join(out)


def _info(args) -> int:
    """The release's title, version, folder, source, caveats, licence and citation: Dutch first, English beside it."""
    from .caveats import caveats
    from .facts import CODES
    from .loader import citation, load
    from .texts import text, topic

    release = bundled()
    d = release.descriptor
    titles = {**{lang: t.get("title") for lang, t in d.get("translations", {}).items()}, "en": d["title"]}
    print(*(titles[lang] for lang in CODES if titles.get(lang)), sep="\n")
    print(f"{topic('version')}: {d['version']}")
    files = " / ".join(text("page", "files_caption", lang) for lang in CODES)  # where a reader finds them to open
    print(f"{files}: {escaped(str(release.root))}\n")
    print(f"{topic('source')}:")
    for source in d.get("sources", []):
        print(f"  - {source['title']}")
    tables = {name: load(name) for name in ("series", "subquestions")}  # the bundled release, as above
    for lang in CODES:
        print(f"\n{text('page', 'caveats', lang)}:\n{caveats(tables, lang)}")
    print(f"\n{topic('licence')}:")
    for lic in d.get("licenses", []):
        print(f"  - {lic.get('name')}: {lic.get('title', '')} {lic.get('path', '')}".rstrip())
    for lang in CODES:
        print(f"  {text('licence', 'archived_text', lang)}")
    print(f"\n{topic('cite')}:")
    for lang in CODES:
        print(f"  {citation(lang=lang)}")  # the bundled release, as above
    return OK


def _validate(args) -> int:
    from .validation import validate_package

    where = printable(args.descriptor) if args.descriptor is not None else "the bundled release"
    problems = validate_package(args.descriptor)
    for line in capped(problems):
        print(line, file=sys.stderr)
    if problems:
        print(f"invalid: {counted(problems)} problem(s) in {where}", file=sys.stderr)
        return INVALID
    print(f"valid: {where}")
    return OK


def capped(problems: list, per_code: int = MAX_PROBLEMS_PER_CODE) -> list[str]:
    """The problems as lines to print: at most ``per_code`` of each kind, then how many more (a
    problem that stands for others counts them too).

    >>> from .problems import Problem
    >>> capped([Problem("file-missing", f"{i}.csv", "gone") for i in range(4)], per_code=2)[-1]
    '- ... and 2 more problem(s) of this kind [file-missing]'
    """
    lines, shown, more = [], {}, {}
    for problem in problems:
        shown[problem.code] = shown.get(problem.code, 0) + 1
        if shown[problem.code] <= per_code:
            lines.append(f"- {problem}")
        else:
            more[problem.code] = more.get(problem.code, 0) + 1 + problem.more
    lines += [f"- ... and {count} more problem(s) of this kind [{code}]" for code, count in more.items()]
    return lines


# What each of the package's errors means on the command line: a usage error (exit 2) where the user
# named something that is not there or gave a setting that cannot be used; else invalid input (exit 1).
# A text of the package's own that texts.toml lacks is a bug of ours (exit 3).
EXIT_CODES = {UnknownNameError: USAGE, NotFound: USAGE, SettingsError: USAGE, MissingExtra: USAGE, MissingText: INTERNAL}
EXIT_CODES[PackageError] = INVALID

COMMANDS = {"tables": _tables, "show": _show, "info": _info, "validate": _validate, "diff": _diff, "dcat": _dcat}
NEEDS = {"validate": "validate", "dcat": "portal"}  # the extra each command needs beyond the base install


class _Escaping(io.TextIOBase):
    """A text stream that writes everything through :func:`~stalking_flanders.problems.escaped`
    (new lines and tabs kept): nothing a command prints reaches a terminal raw. A character the
    stream's encoding cannot hold (``PYTHONIOENCODING=ascii``) is written as its escape; on a
    terminal written in an encoding other than UTF-8, so is one written as a byte a terminal reads
    as a control (cp1252 writes "›" as 0x9b, which a terminal of 8-bit controls reads as the start
    of a sequence). A file or a pipe gets the character (cp1252 writes "’" as 0x92 too)."""

    def __init__(self, stream):
        self.stream = stream  # None where the stream was closed before the command started (`>&-`)
        self._bytewise = stream is not None and _bytes_read_as_controls(stream)

    def write(self, text: str) -> int:
        if self.stream is None:  # nothing reads it: what is printed goes nowhere, as print() does
            return len(text)
        safe = escaped(text, keep="\n\t")
        if self._bytewise and not safe.isascii():
            safe = _NOT_ASCII.sub(lambda m: self._escaped_if_read_as_control(m.group()), safe)
        try:
            self.stream.write(safe)
        except UnicodeEncodeError:  # raised before anything is written
            encoding = getattr(self.stream, "encoding", None) or "ascii"
            self.stream.write(safe.encode(encoding, "backslashreplace").decode(encoding))
        return len(text)

    def _escaped_if_read_as_control(self, character: str) -> str:
        try:
            written = character.encode(self.stream.encoding)
        except (UnicodeEncodeError, LookupError, TypeError):  # written as its escape below, as any it cannot hold
            return character
        return escape_character(character) if any(b < 0x20 or 0x7F <= b <= 0x9F for b in written) else character

    @property
    def encoding(self) -> str | None:
        return getattr(self.stream, "encoding", None)

    def flush(self) -> None:
        if self.stream is not None:
            self.stream.flush()

    def isatty(self) -> bool:
        return self.stream is not None and self.stream.isatty()


def _bytes_read_as_controls(stream) -> bool:
    """Whether ``stream`` is a terminal written in an encoding other than UTF-8, in which a character
    that is no control may be written as bytes a terminal reads as one (cp1252, UTF-16: "嬛" is
    1b 5b, ESC [; the ISO-2022 encodings write ESC themselves)."""
    try:
        return stream.isatty() and codecs.lookup(stream.encoding or "utf-8").name not in ("utf-8", "utf-8-sig")
    except (LookupError, ValueError, AttributeError, OSError):  # closed, or an encoding Python does not know
        return True


_NOT_ASCII = re.compile(r"[^\x00-\x7f]")  # each character another encoding than UTF-8 may write as a control's byte


@contextmanager
def _escaping_output():
    before = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = _Escaping(sys.stdout), _Escaping(sys.stderr)
    try:
        yield
    finally:
        sys.stdout, sys.stderr = before


def main(argv: list[str] | None = None) -> int:
    """Run a command; every error becomes a message and an exit code (see the module), never a
    traceback; everything printed is escaped."""
    with _escaping_output():
        try:
            return _main(argv)
        except BrokenPipeError:  # `--version`, printed while the arguments are read, to a reader that stopped
            return OK


def _main(argv: list[str] | None) -> int:
    args = _parser().parse_args(argv)
    say = lambda error: print(f"stalking-flanders {args.command}: {printable(error, 2000)}", file=sys.stderr)
    try:
        if args.command in NEEDS:
            require(NEEDS[args.command], f"stalking-flanders {args.command}")
        with stopped_cleanly(), bounded(f"stalking-flanders {args.command}"):
            return COMMANDS[args.command](args)
    except LimitExceeded as error:
        say(error)
        return INVALID
    except MemoryError:
        say(f"needed more memory than the bound on any input ({ADDRESS_LIMIT // 2**20} MiB of writable memory); stopped")
        return INVALID
    except DataError as error:
        for line in capped(error.problems):
            print(line, file=sys.stderr)
        say(f"invalid: {counted(error.problems)} problem(s)")
        return INVALID
    except PackageError as error:
        code = next(code for kind, code in EXIT_CODES.items() if isinstance(error, kind))
        say(f"internal error ({error}); please report it" if code == INTERNAL else error)
        return code
    except BrokenPipeError:  # the reader stopped early (`| head`): nothing to say
        return OK
    except ModuleNotFoundError as error:  # a module of an extra that is not installed: a usage matter
        extra = extra_of(error.name or "")
        if extra is None:
            say(f"internal error (ModuleNotFoundError: {error}); please report it")
            return INTERNAL
        say(f"needs the {extra} extra, which is not installed (missing: {error.name}): {how_to_install(extra)}")
        return USAGE
    except OSError as error:
        say(f"{error.strerror or error} ({error.filename or 'a file'})")
        return INVALID
    except Exception as error:  # noqa: BLE001 - a bug: say so plainly, with no traceback
        say(f"internal error ({type(error).__name__}: {error}); please report it")
        return INTERNAL


if __name__ == "__main__":
    sys.exit(main())
