"""The one way opskit runs a local subprocess.

argv tuples only (never a shell), a timeout on every call, the environment
passed explicitly, the logged command line masked, and only the tail of
stderr kept for error messages. Exit codes are returned as data: the
caller reads them through its own table of meanings.
"""

from __future__ import annotations

import collections
import contextlib
import logging
import os
import shlex
import signal
import subprocess
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from opskit.errors import CommandError
from opskit.masking import mask
from opskit.text import Message

logger = logging.getLogger(__name__)

STDERR_TAIL_LINES = 40
KILL_GRACE_SECONDS = 5.0
# Lock descriptors an opskit parent handed to this process (see ``handing_down``).
HANDED_DOWN_VARIABLE = "OPSKIT_HANDED_DOWN_FDS"


def _inherited_descriptors() -> set[int]:
    found = set()
    for part in os.environ.get(HANDED_DOWN_VARIABLE, "").split(","):
        if part.strip().isdigit():
            with contextlib.suppress(OSError):
                os.fstat(int(part))
                found.add(int(part))
    return found


_handed_down: set[int] = _inherited_descriptors()


@contextlib.contextmanager
def handing_down(descriptor: int) -> Iterator[None]:
    """Every command started in the block inherits ``descriptor``, and passes it on.

    For a lock (an ``flock`` on an open file): it stays held while any
    process of the tree started here lives, even when this process is
    killed, so a job whose runner died is never started a second time.
    """
    _handed_down.add(descriptor)
    try:
        yield
    finally:
        _handed_down.discard(descriptor)


def _descriptors(pass_fds: Sequence[int]) -> tuple[int, ...]:
    return tuple(sorted({*pass_fds, *_handed_down}))


@dataclass(frozen=True)
class Completed:
    """A finished command: its exit code and output, read as data."""

    argv: tuple[str, ...]
    exit_code: int
    stdout: str
    stderr_tail: str
    duration_seconds: float

    @property
    def ok(self) -> bool:
        return self.exit_code == 0


def display(argv: Sequence[str], env: Mapping[str, str] | None = None) -> str:
    """The command line as it may be logged: env names shown, values masked."""
    names = " ".join(f"{name}=***" for name in sorted(env or {}))
    line = shlex.join(argv)
    return mask(f"{names} {line}" if names else line)


def run(
    argv: Sequence[str],
    *,
    timeout_seconds: float,
    env: Mapping[str, str] | None = None,
    input_text: str | None = None,
    on_stdout_line: Callable[[str], None] | None = None,
    on_stderr_line: Callable[[str], None] | None = None,
    keep_stdout: bool = True,
    cwd: str | None = None,
    inherit_environment: bool = False,
    pass_fds: Sequence[int] = (),
    on_start: Callable[[int], None] | None = None,
) -> Completed:
    """Run ``argv`` and wait for it, at most ``timeout_seconds``.

    ``env`` is added to a minimal inherited environment (PATH, HOME, LANG).
    With ``on_stdout_line`` stdout is streamed line by line as it arrives
    (for progress) and kept only if ``keep_stdout``; ``on_stderr_line`` sees
    every stderr line (the tail is kept either way). ``inherit_environment``
    passes this process's whole environment (for opskit running itself).
    ``pass_fds`` are open in the child at the same numbers (a secret read
    through ``/dev/fd/N``); ``on_start`` gets the child's pid. Raises
    CommandError if the program is missing or the timeout passes (the
    process group is killed); a non-zero exit is returned, not raised.
    """
    argv = tuple(argv)
    full_env = dict(os.environ) if inherit_environment else _base_environment()
    full_env.update(env or {})
    if _handed_down:
        full_env[HANDED_DOWN_VARIABLE] = ",".join(map(str, sorted(_handed_down)))
    logger.debug("running: %s", display(argv, env))
    started = time.monotonic()
    try:
        process = subprocess.Popen(
            argv,
            stdin=subprocess.PIPE if input_text is not None else subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=full_env,
            cwd=cwd,
            text=True,
            encoding="utf-8",
            errors="replace",
            start_new_session=True,
            pass_fds=_descriptors(pass_fds),
        )
    except FileNotFoundError:
        raise CommandError(Message("command.not_found", program=argv[0])) from None
    except PermissionError:
        raise CommandError(Message("command.denied", program=argv[0])) from None
    if on_start is not None:
        on_start(process.pid)

    stderr_tail: collections.deque[str] = collections.deque(maxlen=STDERR_TAIL_LINES)
    stdout_parts: list[str] = []
    timed_out = threading.Event()
    timer = threading.Timer(timeout_seconds, _expire, args=(process, timed_out))
    timer.daemon = True

    readers = [
        threading.Thread(
            target=_drain,
            args=(process.stderr, _tee(on_stderr_line, stderr_tail.append)),
            daemon=True,
        ),
        threading.Thread(
            target=_drain,
            args=(
                process.stdout,
                _tee(on_stdout_line, stdout_parts.append if keep_stdout else None),
            ),
            daemon=True,
        ),
    ]
    timer.start()
    try:
        if input_text is not None and process.stdin is not None:
            try:
                process.stdin.write(input_text)
                process.stdin.close()
            except BrokenPipeError:
                pass  # the program exited early; its exit code tells why
        for reader in readers:
            reader.start()
        process.wait()
        for reader in readers:
            reader.join()
    except BaseException:
        _kill_group(process)
        raise
    finally:
        timer.cancel()
    duration = time.monotonic() - started
    if timed_out.is_set():
        raise CommandError(
            Message("command.timeout", program=argv[0], seconds=float(timeout_seconds)),
            details=[mask(line.rstrip()) for line in stderr_tail][-5:],
        )
    completed = Completed(
        argv=argv,
        exit_code=process.returncode,
        stdout="".join(stdout_parts),
        stderr_tail=mask("".join(stderr_tail)),
        duration_seconds=duration,
    )
    logger.debug("exit %d after %.2f s: %s", completed.exit_code, duration, argv[0])
    return completed


def _tee(
    first: Callable[[str], None] | None, second: Callable[[str], None] | None
) -> Callable[[str], None]:
    def both(line: str) -> None:
        if first is not None:
            first(line)
        if second is not None:
            second(line)

    return both


def _base_environment() -> dict[str, str]:
    keep = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "USER", "LOGNAME", "TZ")
    environment = {name: os.environ[name] for name in keep if name in os.environ}
    environment.setdefault("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin")
    return environment


def _drain(stream: object, sink: Callable[[str], None]) -> None:
    for line in stream:  # type: ignore[attr-defined]
        sink(line)


def _expire(process: subprocess.Popen[str], timed_out: threading.Event) -> None:
    timed_out.set()
    _kill_group(process)


def _kill_group(process: subprocess.Popen[Any]) -> None:
    """Stop the command and its children: TERM, then KILL after a grace period."""
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(KILL_GRACE_SECONDS)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def ended(exit_code: int) -> str:
    """How a program ended, in words: ``exited 2`` or ``was killed by SIGKILL``."""
    if exit_code >= 0:
        return f"exited {exit_code}"
    try:
        name = signal.Signals(-exit_code).name
    except ValueError:
        name = f"signal {-exit_code}"
    return f"was killed by {name}"


@dataclass(frozen=True)
class Piped:
    """A producer piped into a consumer: both exit codes and how many bytes flowed."""

    producer: Completed
    consumer: Completed
    bytes_piped: int
    consumer_interrupted: bool
    # The consumer stopped reading first, so the producer was stopped: its exit says nothing.
    producer_stopped: bool = False


def pipe(
    producer_argv: Sequence[str],
    consumer_argv: Sequence[str],
    *,
    timeout_seconds: float,
    producer_env: Mapping[str, str] | None = None,
    consumer_env: Mapping[str, str] | None = None,
    on_consumer_line: Callable[[str], None] | None = None,
    producer_fds: Sequence[int] = (),
    consumer_fds: Sequence[int] = (),
) -> Piped:
    """Stream the producer's stdout into the consumer's stdin, judging the producer first.

    The consumer's stdin is closed (end of data) only after the producer has
    exited 0 having written at least one byte; otherwise the consumer is
    interrupted with SIGINT while its input is still open, so a program
    like ``restic backup --stdin`` never mistakes a truncated stream for a
    complete one. ``producer_fds`` and ``consumer_fds`` are passed as in
    ``run``. Raises CommandError if a program is missing or the timeout
    passes (both are stopped).
    """
    pipeline = _Pipeline(tuple(producer_argv), tuple(consumer_argv), on_consumer_line)
    logger.debug(
        "running: %s | %s",
        display(pipeline.producer_argv, producer_env),
        display(pipeline.consumer_argv, consumer_env),
    )
    return pipeline.run(timeout_seconds, (producer_env, producer_fds), (consumer_env, consumer_fds))


class _Pipeline:
    CHUNK_BYTES = 1 << 20

    def __init__(
        self,
        producer_argv: tuple[str, ...],
        consumer_argv: tuple[str, ...],
        on_consumer_line: Callable[[str], None] | None,
    ) -> None:
        self.producer_argv = producer_argv
        self.consumer_argv = consumer_argv
        self.on_consumer_line = on_consumer_line
        self.producer_tail: collections.deque[str] = collections.deque(maxlen=STDERR_TAIL_LINES)
        self.consumer_tail: collections.deque[str] = collections.deque(maxlen=STDERR_TAIL_LINES)
        self.consumer_out: list[str] = []
        self.timed_out = threading.Event()
        self.piped = 0
        self.producer_stopped = False
        self.source_done = threading.Event()

    def _consumer_line(self, line: str) -> None:
        if self.on_consumer_line is not None:
            self.on_consumer_line(line)
        self.consumer_out.append(line)

    def run(
        self,
        timeout_seconds: float,
        producer_side: tuple[Mapping[str, str] | None, Sequence[int]],
        consumer_side: tuple[Mapping[str, str] | None, Sequence[int]],
    ) -> Piped:
        started = time.monotonic()
        consumer = _spawn(self.consumer_argv, *consumer_side, stdin=subprocess.PIPE)
        try:
            producer = _spawn(self.producer_argv, *producer_side, stdin=subprocess.DEVNULL)
        except CommandError:
            _kill_group(consumer)
            raise
        readers = [
            threading.Thread(target=_drain_bytes, args=pair, daemon=True)
            for pair in (
                (producer.stderr, self.producer_tail.append),
                (consumer.stderr, self.consumer_tail.append),
                (consumer.stdout, self._consumer_line),
            )
        ]
        readers.append(threading.Thread(target=self._watch, args=(producer, consumer), daemon=True))
        timer = threading.Timer(timeout_seconds, self._expire, args=(producer, consumer))
        timer.daemon = True
        timer.start()
        try:
            for reader in readers:
                reader.start()
            interrupted = self._pump(producer, consumer)
            consumer.wait()
            for reader in readers:
                reader.join()
        except BaseException:
            _kill_group(producer)
            _kill_group(consumer)
            raise
        finally:
            timer.cancel()
            _close(consumer.stdin)
        if self.timed_out.is_set():
            raise CommandError(
                Message(
                    "command.timeout",
                    program=f"{self.producer_argv[0]} | {self.consumer_argv[0]}",
                    seconds=float(timeout_seconds),
                )
            )
        duration = time.monotonic() - started
        return Piped(
            producer=Completed(
                self.producer_argv,
                producer.returncode,
                "",
                mask("".join(self.producer_tail)),
                duration,
            ),
            consumer=Completed(
                self.consumer_argv,
                consumer.returncode,
                "".join(self.consumer_out),
                mask("".join(self.consumer_tail)),
                duration,
            ),
            bytes_piped=self.piped,
            consumer_interrupted=interrupted,
            producer_stopped=self.producer_stopped,
        )

    def _pump(self, producer: subprocess.Popen[bytes], consumer: subprocess.Popen[bytes]) -> bool:
        """Copy until the producer ends; returns whether the consumer had to be interrupted."""
        source, sink = producer.stdout, consumer.stdin
        if source is None or sink is None:
            raise CommandError("internal error: pipeline without pipes")
        while chunk := source.read(self.CHUNK_BYTES):
            try:
                sink.write(chunk)
            except BrokenPipeError:
                self.producer_stopped = True
                _kill_group(producer)
                break
            self.piped += len(chunk)
        self.source_done.set()
        producer.wait()
        if producer.returncode == 0 and self.piped > 0 and not self.timed_out.is_set():
            _close(sink)
            return False
        if consumer.poll() is None:
            os.killpg(consumer.pid, signal.SIGINT)
        return True

    def _watch(self, producer: subprocess.Popen[bytes], consumer: subprocess.Popen[bytes]) -> None:
        """A consumer gone before the producer's end stops the producer at once: a dump waiting
        on a locked table would otherwise learn of it only at its next write."""
        consumer.wait()
        if not self.source_done.is_set() and producer.poll() is None:
            self.producer_stopped = True
            _kill_group(producer)

    def _expire(self, producer: subprocess.Popen[bytes], consumer: subprocess.Popen[bytes]) -> None:
        self.timed_out.set()
        _kill_group(producer)
        _kill_group(consumer)


def _close(stream: IO[bytes] | None) -> None:
    if stream is not None and not stream.closed:
        with contextlib.suppress(BrokenPipeError):
            stream.close()


def _spawn(
    argv: tuple[str, ...], env: Mapping[str, str] | None, pass_fds: Sequence[int], *, stdin: int
) -> subprocess.Popen[bytes]:
    full_env = _base_environment()
    full_env.update(env or {})
    try:
        return subprocess.Popen(
            argv,
            stdin=stdin,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=full_env,
            start_new_session=True,
            pass_fds=_descriptors(pass_fds),
        )
    except FileNotFoundError:
        raise CommandError(Message("command.not_found", program=argv[0])) from None
    except PermissionError:
        raise CommandError(Message("command.denied", program=argv[0])) from None


def _drain_bytes(stream: object, sink: Callable[[str], None]) -> None:
    for line in stream:  # type: ignore[attr-defined]
        sink(line.decode("utf-8", errors="replace"))


def start_detached(argv: Sequence[str], log_path: Path) -> int:
    """Start ``argv`` in its own session, output to ``log_path``; returns its pid.

    For work a person asks for and does not wait on (the console's "run now"):
    the child inherits this process's environment (the secrets its config
    names) and outlives the request that started it.
    """
    log_path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    logger.info("starting %s", display(argv))
    descriptor = os.open(log_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        process = subprocess.Popen(
            tuple(argv),
            stdin=subprocess.DEVNULL,
            stdout=descriptor,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    except OSError as error:
        raise CommandError(
            Message("command.cannot_start", program=argv[0], detail=str(error.strerror or error))
        ) from None
    finally:
        os.close(descriptor)
    # Reap it when it ends, so no zombie waits for this process to exit.
    threading.Thread(target=process.wait, name=f"reap-{process.pid}", daemon=True).start()
    return process.pid
