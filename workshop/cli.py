"""The `bedrock` command: check the workshop content, run the app, and more.

Each subcommand is a function registered with `@command`; it gets its own
`--help` text and its own arguments, so adding one (purge, export, handouts)
means writing one function and one small arguments function.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from workshop.i18n import N_, N_plural

REPO_ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Command:
    """One subcommand of `bedrock`."""

    name: str
    summary: str
    description: str
    arguments: Callable[[argparse.ArgumentParser], None]
    run: Callable[[argparse.Namespace, list[str]], int]
    passes_extra: bool = False
    """True when unrecognised arguments are handed on (to Streamlit, say) instead of refused."""


COMMANDS: dict[str, Command] = {}


def command(
    name: str,
    *,
    summary: str,
    description: str,
    arguments: Callable[[argparse.ArgumentParser], None] = lambda parser: None,
    passes_extra: bool = False,
) -> Callable[[Callable[[argparse.Namespace, list[str]], int]], Callable]:
    """Register the decorated function as `bedrock NAME`; it returns the exit code."""

    def register(run: Callable[[argparse.Namespace, list[str]], int]) -> Callable:
        COMMANDS[name] = Command(name, summary, description, arguments, run, passes_extra)
        return run

    return register


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _validate_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "path",
        nargs="?",
        type=Path,
        help="folder holding modules/ and exercises/ (default: $BEDROCK_CONTENT if set, "
        "else the shipped workshop)",
    )
    parser.add_argument(
        "--strict", action="store_true", help="treat warnings as errors (exit 1 on any problem)"
    )


@command(
    "validate",
    summary="check the modules and exercises for mistakes",
    description="Check every module and exercise file, and every translation beside them "
    "(modules/es/, exercises/es/, ...) against its original, and list every problem at once, "
    "each as FILE:LINE: FIELD: what is wrong. Exits with 1 when there are errors (or, with "
    "--strict, warnings). Reads files only.",
    arguments=_validate_arguments,
)
def validate_command(args: argparse.Namespace, extra: list[str]) -> int:
    """Print every problem and a summary line; returns 1 on errors (or warnings if strict)."""
    from workshop.content.translations import check_all

    report = check_all(root=args.path)
    for problem in report.problems:
        suffix = "  (warning)" if problem.level == "warning" else ""
        print(f"{problem}{suffix}")
    errors, warnings = len(report.errors), len(report.warnings)
    files = _plural(report.files, "file")
    if errors or warnings:
        found = [_plural(errors, "error")] if errors else []
        found += [_plural(warnings, "warning")] if warnings else []
        print(f"{', '.join(found)} in {files}")
    else:
        print(f"No problems in {files}.")
    return 1 if errors or (args.strict and warnings) else 0


@command(
    "serve",
    summary="run the workshop app with its health check, live updates and origin check",
    description="Start the app from the project folder as one ASGI server (`streamlit run "
    "server.py`): the Streamlit app behind the server's own check of websocket origins, plus "
    "/api/health for load balancers and /api/wait, the long poll that phones and projectors "
    "wait on. Any further arguments go to `streamlit run`, e.g. `bedrock serve --server.port "
    "8502`.",
    passes_extra=True,
)
def serve_command(args: argparse.Namespace, extra: list[str]) -> int:
    """Run Streamlit from the project folder, in place of this process where the system allows.

    Replacing the process (rather than waiting on a child) lets a service manager's stop
    signal reach Streamlit itself. Changes the working directory to the project folder.
    """
    if extra[:1] == ["--"]:
        extra = extra[1:]
    argv = [sys.executable, "-m", "streamlit", "run", "server.py", *extra]
    os.chdir(REPO_ROOT)
    sys.stdout.flush()
    if os.name == "posix":
        os.execv(sys.executable, argv)
    try:
        return subprocess.call(argv)
    except KeyboardInterrupt:
        return 130


def _fail(name: str, message: str) -> int:
    """Print one plain line for the counsellor (no traceback) and return exit code 1."""
    print(f"bedrock {name}: {message}", file=sys.stderr)
    return 1


# What `bedrock export` and `bedrock handouts` tell the counsellor, in --language.
NO_WORKSHOPS_AT = N_("no workshops are stored at {path}; use --database or DATABASE_URL.")
NO_PASSCODE_FILE = N_("cannot read the passcode file: {problem}.")
NO_PASSCODE = N_("no passcode given.")
NO_DATABASE = N_("cannot open the database: {problem}.")
CANNOT_WRITE = N_("cannot write {path}: {problem}.")
CANNOT_WRITE_TO = N_("cannot write to {path}: {problem}.")
OTHERS_CAN_READ = N_(
    "warning: other users of this machine can read {path}; make it private with: chmod 600 {path}"
)
PASSCODE_PROMPT = N_("Workshop passcode: ")
WROTE_SUMMARY = N_("Wrote {path} ({format}, {size} kB).")
END_AFTERWARDS = N_(
    "When you have what you need, end the workshop in the console to delete its data."
)
CONTENT_ERRORS = N_("the workshop content has errors (see above).")
WROTE_HANDOUTS = N_plural(
    "Wrote {count} file to {path}: facilitator-guide, handouts-all and a handout for each of "
    "the {stages} stages.",
    "Wrote {count} files to {path}: facilitator-guide, handouts-all and a handout for each of "
    "the {stages} stages.",
)


def _languages() -> list[str]:
    """The languages `--language` offers: English, every interface catalogue and every
    language the shipped workshop is translated into."""
    from workshop.content.loader import content_root
    from workshop.content.translations import languages
    from workshop.i18n.languages import offered

    try:
        content = languages(content_root())
    except OSError:
        content = []
    return sorted(set(offered()) | set(content), key=lambda name: (name != "en", name))


def _language_argument(parser: argparse.ArgumentParser, what: str) -> None:
    parser.add_argument(
        "--language",
        choices=_languages(),
        default="en",
        help=f"the language of {what} and of this command's messages (default: en)",
    )


def _said(args: argparse.Namespace):
    """``gettext`` in the command's --language (English when none is given)."""
    from workshop.i18n.catalogues import gettext_for

    return gettext_for(getattr(args, "language", None) or "en")


def _error(args: argparse.Namespace, error: Exception) -> str:
    """An engine error's own sentence in the command's --language."""
    from workshop.i18n.catalogues import translator

    speak = getattr(error, "said", None)
    return speak(translator(args.language)) if callable(speak) else str(error)


EXPORT_FORMATS = ("csv", "json", "html", "pdf")
"""The formats of `bedrock export` (the same as workshop.report.FORMATS, named here so that
building the parser does not load the report machinery)."""


def _export_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("code", help="the workshop's join code, such as ABC123")
    parser.add_argument(
        "--format",
        choices=EXPORT_FORMATS,
        help="csv (answers, one file for a spreadsheet), json, html or pdf (the printable "
        "summary); default: from the ending of --out, else pdf",
    )
    parser.add_argument(
        "--out",
        type=Path,
        help="file to write, or an existing folder (default: bedrock-CODE-summary.FORMAT in the "
        "current folder)",
    )
    parser.add_argument(
        "--passcode-file",
        type=Path,
        help="read the workshop passcode (or its recovery key) from the first line of this file "
        "(or set $BEDROCK_PASSCODE, or pipe it in); otherwise you are asked for it",
    )
    parser.add_argument(
        "--database",
        metavar="URL",
        help="where the workshops are stored (default: $DATABASE_URL, else the app's "
        "data/bedrock.db)",
    )
    _language_argument(parser, "the summary's headings, captions and dates")


def _database_url(given: str | None) -> str:
    """The database the app uses when started from the project folder, unless told otherwise."""
    return given or os.environ.get("DATABASE_URL") or f"sqlite:///{REPO_ROOT / 'data/bedrock.db'}"


def _missing_sqlite_file(url: str) -> Path | None:
    """The SQLite file ``url`` names when it does not exist (opening would create it empty)."""
    from sqlalchemy.engine import make_url

    try:
        parsed = make_url(url)
    except Exception:
        return None
    database = parsed.database or ""
    if parsed.get_backend_name() != "sqlite" or database in ("", ":memory:"):
        return None
    return None if Path(database).exists() else Path(database)


def _passcode(args: argparse.Namespace) -> str:
    import getpass

    said = _said(args)
    if args.passcode_file is not None:
        if args.passcode_file.stat().st_mode & 0o044:
            warning = said(OTHERS_CAN_READ).format(path=args.passcode_file)
            print(f"bedrock export: {warning}", file=sys.stderr)
        lines = args.passcode_file.read_text(encoding="utf-8").splitlines()
        return lines[0] if lines else ""
    from_env = os.environ.get("BEDROCK_PASSCODE")
    if from_env is not None:
        return from_env
    if not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\r\n")
    return getpass.getpass(said(PASSCODE_PROMPT))


@command(
    "export",
    summary="save a workshop's results before you delete it",
    description="Write a workshop's results to a file, readable by you only: the answers as CSV (one file, for a "
    "spreadsheet) or JSON, or the printable summary (plan and timings, response counts, "
    "charts, the opening and closing check-in, words and reflections) as HTML or PDF. "
    "Questions below their reveal threshold appear only as 'fewer than N'; hidden "
    "reflections never appear. Asks for the workshop passcode (or its recovery key), checked "
    "without the app's wait after wrong tries. Reads the database and writes one file.",
    arguments=_export_arguments,
)
def export_command(args: argparse.Namespace, extra: list[str]) -> int:
    """Open the workshop with its passcode and write its summary; 1 on any problem."""
    import sqlalchemy as sa

    from workshop.engine.errors import BedrockError
    from workshop.engine.store import Store

    said = _said(args)
    fmt = args.format
    if fmt is None:
        suffix = args.out.suffix.lstrip(".").lower() if args.out else ""
        fmt = suffix if suffix in EXPORT_FORMATS else "pdf"
    url = _database_url(args.database)
    if missing := _missing_sqlite_file(url):
        return _fail("export", said(NO_WORKSHOPS_AT).format(path=missing))
    try:
        passcode = _passcode(args)
    except OSError as error:
        return _fail("export", said(NO_PASSCODE_FILE).format(problem=error.strerror or error))
    except (EOFError, KeyboardInterrupt):
        passcode = ""
    if not passcode:
        return _fail("export", said(NO_PASSCODE))
    try:
        store = Store(url)
    except sa.exc.SQLAlchemyError as error:
        problem = type(error.orig or error).__name__
        return _fail("export", said(NO_DATABASE).format(problem=problem))
    except BedrockError as error:  # no server key
        return _fail("export", _error(args, error))
    try:
        key = store.operator_open(code=args.code, passcode=passcode)
        from workshop.printing.report import report_bytes  # loads pandas and fpdf: only when needed

        data = report_bytes(store=store, code=args.code, key=key, fmt=fmt, language=args.language)
    except BedrockError as error:
        return _fail("export", _error(args, error))
    finally:
        store.close()
    from workshop.engine.privacy import normalise_code

    name = f"bedrock-{normalise_code(args.code)}-summary.{fmt}"
    out = args.out or Path(name)
    if out.is_dir():
        out = out / name
    from workshop.printing.handout_files import write_private

    try:
        write_private(out, data)
    except OSError as error:
        return _fail("export", said(CANNOT_WRITE).format(path=out, problem=error.strerror or error))
    from workshop.i18n.formats import number

    size = number(round(len(data) / 1024), args.language)
    print(said(WROTE_SUMMARY).format(path=out, format=fmt.upper(), size=size))
    print(said(END_AFTERWARDS))
    return 0


def _handouts_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--out",
        type=Path,
        default=Path("handouts"),
        help="folder to write into, created if missing (default: ./handouts)",
    )
    parser.add_argument(
        "--format",
        choices=("html", "pdf", "both"),
        default="both",
        help="HTML pages to print from a browser, PDF, or both (default)",
    )
    parser.add_argument(
        "--content",
        type=Path,
        help="folder holding modules/ and exercises/ (default: $BEDROCK_CONTENT if set, else "
        "the shipped workshop)",
    )
    _language_argument(parser, "the handouts and the guide (their words and the workshop's)")


@command(
    "handouts",
    summary="write the participant handouts and the facilitator guide",
    description="Write printable material from the workshop content: a participant handout "
    "per stage (key ideas, the exercises, room to write), all of them in one file, and the "
    "facilitator guide (agenda, ground rules, safety and care, notes per stage), as HTML "
    "and PDF. Reads the content; writes files into --out.",
    arguments=_handouts_arguments,
)
def handouts_command(args: argparse.Namespace, extra: list[str]) -> int:
    """Write every handout and the guide; 1 when the content has errors or cannot be written."""
    from workshop.content.loader import ContentError, content_root, load_content
    from workshop.content.translations import languages
    from workshop.i18n.catalogues import translator
    from workshop.i18n.formats import number
    from workshop.printing.handout_files import write_handouts

    said, language = _said(args), args.language
    root = args.content or content_root()
    try:
        content = load_content(root, language if language in languages(root) else None)
    except ContentError as error:
        for problem in error.problems:
            if problem.level == "error":
                print(problem, file=sys.stderr)
        return _fail("handouts", said(CONTENT_ERRORS))
    formats = ("html", "pdf") if args.format == "both" else (args.format,)
    try:
        written = write_handouts(out=args.out, content=content, formats=formats, language=language)
    except OSError as error:
        problem = error.strerror or error
        return _fail("handouts", said(CANNOT_WRITE_TO).format(path=args.out, problem=problem))
    done = translator(language).ngettext(*WROTE_HANDOUTS, len(written))
    print(
        done.format(
            count=number(len(written), language),
            path=args.out,
            stages=number(len(content.modules), language),
        )
    )
    return 0


MAX_PURGE_DAYS = 36_500
"""A century: further back than any workshop, and well within what a date can count back."""


def _purge_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--older-than",
        metavar="DAYS",
        type=int,
        required=True,
        help="delete workshops created more than this many days ago (0: before today; at most "
        f"{MAX_PURGE_DAYS})",
    )
    parser.add_argument(
        "--database",
        metavar="URL",
        help="where the workshops are stored (default: $DATABASE_URL, else the app's "
        "data/bedrock.db)",
    )


@command(
    "purge",
    summary="delete old workshops and everything they hold",
    description="Delete every workshop created more than DAYS days ago, with all its answers, "
    "and scrub the freed space, exactly as ending a workshop from the console does. Meant for "
    "a daily schedule (cron or a systemd timer). Prints how many workshops were deleted.",
    arguments=_purge_arguments,
)
def purge_command(args: argparse.Namespace, extra: list[str]) -> int:
    """Delete old workshops; 1 when the database cannot be opened or DAYS is negative."""
    import sqlalchemy as sa

    from workshop.engine.errors import BedrockError
    from workshop.engine.store import Store

    if args.older_than < 0:
        return _fail("purge", "--older-than cannot be negative.")
    if args.older_than > MAX_PURGE_DAYS:
        return _fail(
            "purge", f"--older-than must be at most {MAX_PURGE_DAYS} days (about 100 years)."
        )
    url = _database_url(args.database)
    if _missing_sqlite_file(url) is not None:
        print("Nothing to purge: no workshops are stored yet.")
        return 0
    try:
        store = Store(url)
        deleted = store.purge(older_than_days=args.older_than)
    except (sa.exc.SQLAlchemyError, BedrockError) as error:
        return _fail("purge", f"cannot purge: {error}.")
    print(f"Deleted {_plural(deleted, 'workshop')} created more than {args.older_than} days ago.")
    return 0


def _operator_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("code", help="the workshop's join code, such as ABC123")
    parser.add_argument(
        "--database",
        metavar="URL",
        help="where the workshops are stored (default: $DATABASE_URL, else the app's "
        "data/bedrock.db)",
    )


def _end_arguments(parser: argparse.ArgumentParser) -> None:
    _operator_arguments(parser)
    parser.add_argument(
        "--yes", action="store_true", help="do not ask to type the code again to confirm"
    )


def _operator_store(name: str, args: argparse.Namespace):
    """The store for an operator command, or the exit code after saying why there is none."""
    import sqlalchemy as sa

    from workshop.engine.errors import BedrockError
    from workshop.engine.store import Store

    url = _database_url(args.database)
    if missing := _missing_sqlite_file(url):
        return _fail(name, f"no workshops are stored at {missing}; use --database or DATABASE_URL.")
    try:
        return Store(url)
    except sa.exc.SQLAlchemyError as error:
        return _fail(name, f"cannot open the database: {type(error.orig or error).__name__}.")
    except BedrockError as error:
        return _fail(name, str(error))


@command(
    "end",
    summary="end a workshop and delete everything it holds",
    description="End a live workshop from the server, as its console's 'End and delete "
    "everything' does: every answer, reflection, stage and its passcode are deleted and the "
    "freed space scrubbed. For whoever runs the server (it needs the database and the server "
    "key, not the passcode), for instance when the counsellor cannot reach the console. "
    "Export first if anything should be kept. Asks you to type the code again unless --yes.",
    arguments=_end_arguments,
)
def end_command(args: argparse.Namespace, extra: list[str]) -> int:
    """End one workshop; 1 when it cannot be found or ended."""
    from workshop.engine.errors import BedrockError
    from workshop.engine.privacy import normalise_code

    code = normalise_code(args.code)
    if not args.yes:
        print(f"This deletes everything workshop {code} holds. Type its code again to go on: ")
        try:
            typed = sys.stdin.readline() if not sys.stdin.isatty() else input()
        except (EOFError, KeyboardInterrupt):
            typed = ""
        if normalise_code(typed) != code:
            return _fail("end", "not confirmed; nothing was deleted.")
    store = _operator_store("end", args)
    if isinstance(store, int):
        return store
    try:
        store.end_workshop(code=code, key=store.operator_key(code=code))
    except BedrockError as error:
        return _fail("end", str(error))
    finally:
        store.close()
    print(f"Ended workshop {code}; everything it held is deleted.")
    return 0


@command(
    "recover",
    summary="print a workshop's recovery key, which opens its console",
    description="Print the recovery key of a live workshop: typed into the console's 'Open "
    "with the recovery key', it opens the console without the passcode, whatever wrong tries "
    "were made. For whoever runs the server (it needs the database and the server key); give "
    "the key only to the workshop's counsellor.",
    arguments=_operator_arguments,
)
def recover_command(args: argparse.Namespace, extra: list[str]) -> int:
    """Print one workshop's recovery key; 1 when it cannot be found."""
    from workshop.engine.errors import BedrockError

    store = _operator_store("recover", args)
    if isinstance(store, int):
        return store
    try:
        print(store.recovery_key(code=args.code))
    except BedrockError as error:
        return _fail("recover", str(error))
    finally:
        store.close()
    return 0


@command(
    "server-key",
    summary="print a new random server key (for BEDROCK_SERVER_KEY)",
    description="Print a fresh random value for BEDROCK_SERVER_KEY, the secret outside the "
    "database that every console, projector and recovery key is derived from. Set the same "
    "value on every server sharing one database; changing it makes every running "
    "workshop's links and recovery keys stop working (passcodes still open the consoles).",
)
def server_key_command(args: argparse.Namespace, extra: list[str]) -> int:
    """Print a new key; always 0."""
    from workshop.engine.serverkey import new_key

    print(new_key())
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with one subparser per registered command."""
    parser = argparse.ArgumentParser(
        prog="bedrock",
        description="Run a workshop on emotional connection, and check its content files.",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, spec in COMMANDS.items():
        sub = subparsers.add_parser(name, help=spec.summary, description=spec.description)
        spec.arguments(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `bedrock` console script; returns the exit code."""
    parser = build_parser()
    args, extra = parser.parse_known_args(argv)
    if args.command is None:
        parser.print_help()
        return 2
    spec = COMMANDS[args.command]
    if extra and not spec.passes_extra:
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    return spec.run(args, extra)


if __name__ == "__main__":
    sys.exit(main())
