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
    description="Check every module and exercise file and list every problem at once, each as "
    "FILE:LINE: FIELD: what is wrong. Exits with 1 when there are errors (or, with --strict, "
    "warnings). Reads files only.",
    arguments=_validate_arguments,
)
def validate_command(args: argparse.Namespace, extra: list[str]) -> int:
    """Print every problem and a summary line; returns 1 on errors (or warnings if strict)."""
    from workshop.validate import check

    report = check(root=args.path)
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
    summary="run the workshop app (streamlit run app.py)",
    description="Start the app with Streamlit from the project folder. Any further arguments go "
    "to `streamlit run`, e.g. `bedrock serve --server.port 8502`.",
    passes_extra=True,
)
def serve_command(args: argparse.Namespace, extra: list[str]) -> int:
    """Run Streamlit from the project folder, in place of this process where the system allows.

    Replacing the process (rather than waiting on a child) lets a service manager's stop
    signal reach Streamlit itself. Changes the working directory to the project folder.
    """
    if extra[:1] == ["--"]:
        extra = extra[1:]
    argv = [sys.executable, "-m", "streamlit", "run", "app.py", *extra]
    os.chdir(REPO_ROOT)
    sys.stdout.flush()
    if os.name == "posix":
        os.execv(sys.executable, argv)
    try:
        return subprocess.call(argv)
    except KeyboardInterrupt:
        return 130


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
