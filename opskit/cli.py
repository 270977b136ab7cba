"""The ``opskit`` command: parse, dispatch through a table, record, render.

This is the only place that prints results, maps exceptions to exit codes,
and configures logging. Command groups live in ``opskit.commands``; each
registers its subcommands and a thin handler that calls an action.
"""

from __future__ import annotations

import argparse
import gc
import logging
import sys
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from opskit.commands import settings_only
from opskit.context import AppContext
from opskit.errors import OpskitError, StoreError, UsageError
from opskit.grammar import build_parser
from opskit.masking import MaskingFilter
from opskit.outcome import Outcome
from opskit.result import Status, utc_now, worst
from opskit.text import Words

logger = logging.getLogger("opskit")

# Formats that only a command listing rows can write (its grammar sets ``lists_rows``).
ROW_FORMATS = ("jsonl", "csv")


def dispatch(context: AppContext, args: argparse.Namespace) -> Outcome:
    """Run the chosen command's handler and record its results in history."""
    from opskit.commands import handler_for

    started = utc_now()
    outcome: Outcome = handler_for(args.command_name)(context, args)
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
        if outcome.run_id is not None:  # recorded when it started: complete it
            context.store().finish_run(
                outcome.run_id,
                utc_now(),
                outcome.final_status,
                outcome.results[outcome.recorded_results :],
            )
            return
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
    arguments = list(sys.argv[1:] if argv is None else argv)
    json_output = _wants_json(arguments)
    configure_logging(*_peek_verbosity(arguments))
    command = "opskit"
    context: AppContext | None = None
    try:
        args = build_parser(arguments).parse_args(arguments)
        if args.command_name is None:
            # A group without its command (`opskit check`) is a usage error: exit 3, never
            # OK, so a Nagios line missing its command is not mistaken for a pass.
            args.help_parser.print_help()
            return Status.UNKNOWN.exit_code
        command = args.command_name
        if args.format in ROW_FORMATS and not getattr(args, "lists_rows", False):
            raise UsageError(
                f"--format {args.format} is for commands that list rows (opskit history)",
                details=["use --format json for this command"],
            )
        context = AppContext(args.config, settings_only=settings_only(command))
        outcome = dispatch(context, args)
        # Written while the store is open: listed rows are read from it as they are written.
        try:
            _write_outcome(command, outcome, args.format, _words(context, args))
        except BrokenPipeError:
            sys.stderr.close()  # the reader went away (| head); nothing more to say
    except OpskitError as error:
        _emit_error(command, error, json_output, _error_words(context, arguments))
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
    return outcome.final_status.exit_code


def _write_outcome(command: str, outcome: Outcome, chosen: str, words: Words) -> None:
    from opskit.output import stream, write_human

    if chosen == "json":
        stream.write_envelope(command, outcome, sys.stdout)
    elif chosen == "jsonl":
        stream.write_lines(command, outcome, sys.stdout)
    elif chosen != "csv" or not stream.write_csv(outcome, sys.stdout):
        write_human(outcome, words=words)


def _words(context: AppContext, args: Any) -> Words:
    """The reader's language: ``--lang``, else the organisation's (if its settings were read),
    id."""
    from datetime import UTC

    settings = context.settings_read()  # read only if the command already needed them
    language = getattr(args, "lang", None) or (settings.language if settings else "id")
    return Words(language, settings.zone if settings else UTC)


def _error_words(context: AppContext | None, arguments: list[str]) -> Words:
    """The language an error is said in: ``--lang``, else the organisation's (if its settings
    were read before the error), else Bahasa Indonesia."""
    from datetime import UTC

    from opskit.text import LANGUAGES

    wanted = next(
        (arguments[index + 1] for index, word in enumerate(arguments[:-1]) if word == "--lang"),
        next((word.split("=", 1)[1] for word in arguments if word.startswith("--lang=")), None),
    )
    settings = context.settings_read() if context is not None else None
    language = wanted if wanted in LANGUAGES else (settings.language if settings else "id")
    return Words(language, settings.zone if settings else UTC)


def _emit_error(
    command: str, error: OpskitError, json_output: bool, words: Words | None = None
) -> None:
    from opskit import output

    if json_output:
        output.write_json(output.envelope(command, None, error))
    output.write_error(error, words=words)


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
    for name in ("paramiko", "invoke", "fabric", "pyhanko", "pyhanko_certvalidator"):
        logging.getLogger(name).setLevel(noisy_level)


def run() -> None:
    """Console entry point."""
    code = main()
    # The files are written and the store closed; what is still in memory goes with the
    # process. Frozen, it is left out of the interpreter's last garbage collection, which
    # after a document (a PDF engine's many objects) takes a third of a second.
    gc.freeze()
    sys.exit(code)
