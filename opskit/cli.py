"""The ``opskit`` command: parse, dispatch through a table, record, render.

This is the only place that prints results, maps exceptions to exit codes,
and configures logging. Command groups live in ``opskit.commands``; each
registers its subcommands and a thin handler that calls an action.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from collections.abc import Sequence
from datetime import datetime

from opskit import __version__
from opskit.context import AppContext
from opskit.errors import OpskitError, StoreError, UsageError
from opskit.masking import MaskingFilter
from opskit.outcome import Outcome
from opskit.result import Status, utc_now, worst

logger = logging.getLogger("opskit")

# The order here is the order of `opskit --help`: first steps, daily work, the rest.
COMMAND_MODULES = (
    "opskit.commands.setup",
    "opskit.commands.config",
    "opskit.commands.check",
    "opskit.commands.web",
    "opskit.commands.security",
    "opskit.commands.logs",
    "opskit.commands.backup",
    "opskit.commands.report",
    "opskit.commands.incidents",
    "opskit.commands.uat",
    "opskit.commands.schedule",
    "opskit.commands.hosts",
    "opskit.commands.history",
    "opskit.commands.notify",
)

DESCRIPTION = """\
opskit runs the IT and website SOP of a court (Pengadilan Agama): backups,
website and server checks, incident reports to the person responsible.
Every check exits with the Nagios code of its worst result:
0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN (also for usage and config errors)."""

EPILOG = """\
first steps:
  opskit demo                      try everything on a built-in demo
  opskit init                      write a commented opskit.yaml (mode 0600)
  opskit config validate           check it; every error with its line
  opskit hosts trust web1          accept an SSH server's host key once

every day, by hand or by itself:
  opskit check web                 websites: up, TLS, domain, spam injection (F1, F4)
  opskit check security            firewall, open ports, SSH, antivirus, updates (D1, D5)
  opskit backup run                back up files and databases with restic (D7, F2)
  opskit report daily --send       the daily situation report to the penanggung jawab
  opskit schedule install --systemd    run all of it on schedule (`opskit run`)

Run `opskit COMMAND --help` for the options and examples of a command."""


class Parser(argparse.ArgumentParser):
    """argparse that raises UsageError (exit 3, one line) instead of exiting 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(message, details=[f"see `{self.prog} --help`"])


def common_options(with_defaults: bool) -> argparse.ArgumentParser:
    """Options every command accepts, before or after the command name."""
    default = (lambda value: value) if with_defaults else (lambda value: argparse.SUPPRESS)
    parent = argparse.ArgumentParser(add_help=False)
    group = parent.add_argument_group("common options")
    group.add_argument(
        "-c",
        "--config",
        metavar="PATH",
        default=default(None),
        help="config file (default: $OPSKIT_CONFIG, ./opskit.yaml, then the user config dir)",
    )
    group.add_argument(
        "--format",
        choices=("human", "json"),
        default=default("human"),
        help="human: tables for people; json: one versioned envelope on stdout",
    )
    group.add_argument(
        "-v",
        "--verbose",
        action="count",
        default=default(0),
        help="more log detail on stderr (-vv for debug)",
    )
    group.add_argument(
        "-q", "--quiet", action="store_true", default=default(False), help="only errors on stderr"
    )
    return parent


def build_parser() -> Parser:
    parser = Parser(
        prog="opskit",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        parents=[common_options(with_defaults=True)],
    )
    parser.add_argument("--version", action="version", version=f"opskit {__version__}")
    parser.set_defaults(handler=None, help_parser=parser)
    subparsers = parser.add_subparsers(title="commands", metavar="COMMAND", parser_class=Parser)
    leaf_options = common_options(with_defaults=False)
    for module_name in COMMAND_MODULES:
        importlib.import_module(module_name).register(subparsers, leaf_options)
    return parser


def dispatch(context: AppContext, args: argparse.Namespace) -> Outcome:
    """Run the chosen command's handler and record its results in history."""
    started = utc_now()
    outcome: Outcome = args.handler(context, args)
    if outcome.record:
        _record(context, outcome, started)
        _alert(context, outcome)
    return outcome


def _alert(context: AppContext, outcome: Outcome) -> None:
    """Incidents and deliveries; whatever fails here never changes the job's status."""
    from opskit.alerting import after_run

    try:
        after_run(context, outcome)
    except OpskitError as error:
        logger.error("incident handling failed: %s", error.message)
        outcome.messages.append(f"incident handling failed: {error.message}")
    except Exception as error:  # noqa: BLE001 - notifications must never fail the job
        logger.debug("incident handling failed", exc_info=True)
        logger.error("incident handling failed: %s: %s", error.__class__.__name__, error)
        outcome.messages.append(f"incident handling failed: {error.__class__.__name__}: {error}")


def _record(context: AppContext, outcome: Outcome, started: datetime) -> None:
    try:
        outcome.run_id = context.store().record_run(
            outcome.command, started, utc_now(), outcome.results, outcome.final_status
        )
    except StoreError as error:
        # The results stand, but an unrecorded run must not look fine.
        logger.error("could not record this run in history: %s", error.message)
        outcome.messages.append(f"not recorded in history: {error.message}")
        outcome.status = worst([outcome.final_status, Status.UNKNOWN])


def main(argv: Sequence[str] | None = None) -> int:
    """Run one opskit command; returns the exit code."""
    from opskit import output

    arguments = list(sys.argv[1:] if argv is None else argv)
    json_output = _wants_json(arguments)
    configure_logging(*_peek_verbosity(arguments))
    command = "opskit"
    context: AppContext | None = None
    try:
        args = build_parser().parse_args(arguments)
        command = getattr(args, "command_name", command)
        if args.handler is None:
            # A group without its command (`opskit check`) is a usage error: exit 3, never
            # OK, so a Nagios line missing its command is not mistaken for a pass.
            args.help_parser.print_help()
            return Status.UNKNOWN.exit_code
        context = AppContext(args.config)
        outcome = dispatch(context, args)
    except OpskitError as error:
        _emit_error(command, error, json_output)
        return error.status.exit_code
    except KeyboardInterrupt:
        _emit_error(command, OpskitError("interrupted"), json_output)
        return 130
    except Exception as error:  # noqa: BLE001 - the one place that turns a bug into a message
        logger.debug("internal error", exc_info=True)
        _emit_error(
            command,
            OpskitError(
                f"internal error: {error.__class__.__name__}: {error}",
                details=["run again with -vv to see where it happened"],
            ),
            json_output,
        )
        return Status.UNKNOWN.exit_code
    finally:
        if context is not None:
            context.close()
    try:
        if json_output:
            output.write_json(output.envelope(command, outcome))
        else:
            output.write_human(outcome)
    except BrokenPipeError:
        sys.stderr.close()  # the reader went away (| head); nothing more to say
    return outcome.final_status.exit_code


def _emit_error(command: str, error: OpskitError, json_output: bool) -> None:
    from opskit import output

    if json_output:
        output.write_json(output.envelope(command, None, error))
    output.write_error(error)


def _wants_json(arguments: list[str]) -> bool:
    """Whether JSON was asked for, known even when parsing fails later."""
    for index, argument in enumerate(arguments):
        if argument == "--format=json" or (
            argument == "--format" and arguments[index + 1 : index + 2] == ["json"]
        ):
            return True
    return False


def _peek_verbosity(arguments: list[str]) -> tuple[int, bool]:
    verbose = sum(
        argument.count("v")
        for argument in arguments
        if argument.startswith("-") and not argument.startswith("--") and set(argument[1:]) == {"v"}
    )
    verbose += arguments.count("--verbose")
    quiet = "-q" in arguments or "--quiet" in arguments
    return verbose, quiet


def configure_logging(verbose: int, quiet: bool) -> None:
    """Logs to stderr, secrets masked; third-party chatter only at -vv."""
    level = (
        logging.ERROR if quiet else (logging.WARNING, logging.INFO, logging.DEBUG)[min(verbose, 2)]
    )
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("opskit: %(levelname)s: %(message)s"))
    handler.addFilter(MaskingFilter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    noisy_level = logging.DEBUG if verbose >= 2 else logging.CRITICAL
    for name in ("paramiko", "invoke", "fabric"):
        logging.getLogger(name).setLevel(noisy_level)


def run() -> None:
    """Console entry point."""
    sys.exit(main())
