"""Progress bars on stderr for long work, fed by the work without it importing Rich."""

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from opskit.masking import mask


@contextmanager
def progress_reporter() -> Iterator[Callable[[str, Any], None]]:
    """A Rich progress bar on stderr, one task per label; ``report(label, None)`` ends one.

    ``report`` takes objects with ``percent_done``, ``bytes_done`` and
    ``total_bytes`` (restic's status messages), so the work itself never
    imports Rich.
    """
    from rich.console import Console
    from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeElapsedColumn

    progress = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        DownloadColumn(),
        TimeElapsedColumn(),
        console=Console(file=sys.stderr),
        transient=True,
    )
    tasks: dict[str, Any] = {}

    def report(label: str, status: Any) -> None:
        if label not in tasks:
            tasks[label] = progress.add_task(mask(label), total=100.0)
        if status is None:
            progress.update(tasks[label], completed=100.0)
            return
        progress.update(tasks[label], completed=float(status.percent_done) * 100.0, visible=True)

    with progress:
        yield report


@contextmanager
def steps_reporter() -> Iterator[Callable[[str, Any], None]]:
    """A spinner on stderr per step of long work whose size is unknown (hosts being checked).

    ``report(label, True)`` starts a step, ``report(label, None)`` ends it.
    """
    from rich.console import Console
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    progress = Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        TimeElapsedColumn(),
        console=Console(file=sys.stderr),
        transient=True,
    )
    tasks: dict[str, Any] = {}

    def report(label: str, status: Any) -> None:
        if status is None:
            if label in tasks:
                progress.update(tasks[label], visible=False)
            return
        if label not in tasks:
            tasks[label] = progress.add_task(mask(label), total=None)

    with progress:
        yield report
