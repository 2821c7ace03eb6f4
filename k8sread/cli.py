"""Command line: `k8sread [PATH]` opens the reader; subcommands script the same core.

Each subcommand lives in k8sread/commands/<name>.py and provides:
    HELP: str                          one line for `k8sread --help`
    register(parser: ArgumentParser)   adds its options (its description shows an example)
    run(args: Namespace) -> int        the exit code
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence
from types import ModuleType
from typing import NoReturn

from k8sread import __version__
from k8sread.core.errors import K8sreadError
from k8sread.core.paths import describe_os_error
from k8sread.core.sanitize import inert_line

# Subcommand name -> module under k8sread.commands. Order is the order in --help.
COMMANDS: dict[str, str] = {
    "clone": "clone",
    "note": "note",
    "screenshot": "screenshot",
    "index": "index",
    "check": "check",
    "pack": "pack",
    "export": "export",
    "import": "import_",
    "notes": "notes",
}

EXIT_OK = 0
EXIT_PROBLEMS = 1  # the command ran and found problems (check: errors or orphans)
EXIT_ERROR = 2  # bad input, missing files, git failures


class _Parser(argparse.ArgumentParser):
    """argparse exits 2 on usage errors already; keep its message on stderr, add a hint."""

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(EXIT_ERROR, f"{self.prog}: error: {message}\nTry '{self.prog} --help'.\n")


def _formatter(prog: str) -> argparse.HelpFormatter:
    return argparse.RawDescriptionHelpFormatter(prog, max_help_position=32)


class _ReaderParser(_Parser):
    """The reader's parser. Its --help lists every subcommand with its one line of help, which
    imports each command's module: done only when the help is asked for, not on every start
    (about 20 ms of the reader's start-up)."""

    def format_help(self) -> str:
        lines = [f"  {name:<10} {importlib.import_module(f'k8sread.commands.{mod}').HELP}" for name, mod in COMMANDS.items()]
        self.epilog = (
            "subcommands (k8sread COMMAND --help for each):\n"
            + "\n".join(lines)
            + "\n\nexamples:\n  k8sread                 open the last tree, a Kubernetes checkout here, or the demo\n"
            "  k8sread ~/src/kubernetes --open pkg/kubelet/kubelet.go:1966\n"
        )
        return super().format_help()


def _reader_parser() -> argparse.ArgumentParser:
    from k8sread.commands import read

    parser = _ReaderParser(
        prog="k8sread",
        description="Read a Go tree (Kubernetes first) with notes pinned to line ranges.",
        formatter_class=_formatter,
    )
    parser.add_argument("--version", action="version", version=f"k8sread {__version__}")
    read.register(parser)
    return parser


def build_subcommand_parser(name: str) -> tuple[argparse.ArgumentParser, ModuleType]:
    module = importlib.import_module(f"k8sread.commands.{COMMANDS[name]}")
    parser = _Parser(prog=f"k8sread {name}", description=module.__doc__, formatter_class=_formatter)
    module.register(parser)
    return parser, module


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        if argv and argv[0] in COMMANDS:
            parser, module = build_subcommand_parser(argv[0])
            args = parser.parse_args(argv[1:])
            return int(module.run(args) or 0)
        from k8sread.commands import read

        args = _reader_parser().parse_args(argv)
        return int(read.run(args) or 0)
    except K8sreadError as error:
        _error(str(error))
        return error.exit_code
    except KeyboardInterrupt:
        print("k8sread: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # `k8sread notes ... | head`: the reader went away; nothing to report. Point stdout at
        # /dev/null so the flush at exit does not complain about the closed pipe either.
        try:
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        except (OSError, ValueError, AttributeError):
            pass
        return EXIT_OK
    except OSError as error:
        # A full disk, a data folder that is a file, a read-only folder: the file and the cause.
        _error(describe_os_error(error))
        return EXIT_ERROR
    except (UnicodeEncodeError, UnicodeDecodeError) as error:
        # Text that is not UTF-8 (a file name, an argument) reaching a file or the terminal.
        _error(f"text that is not valid UTF-8: {error}")
        return EXIT_ERROR
    except Exception as error:
        # A bug. Still one line and exit 2 for scripts; the traceback on request, for the report.
        if os.environ.get("K8SREAD_DEBUG"):
            raise
        _error(f"internal error ({type(error).__name__}: {error}); run with K8SREAD_DEBUG=1 to see where, and please report it")
        return EXIT_ERROR


def _error(message: str) -> None:
    # Messages quote file names and pack text: one line, no live control characters.
    print(f"k8sread: error: {inert_line(message)}", file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
