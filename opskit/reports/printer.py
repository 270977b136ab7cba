"""Printing a document's PDF in a worker process, on the second core.

WeasyPrint is most of what a long document costs: loading it (about half a
second) and laying out the pages. A document's figures come from the store
and its HTML and Markdown are cheap, so the PDF engine is best started in
a process of its own as the command begins: it loads while the store is
read, and lays out the pages while this process writes the other formats.

The worker is forked, and a fork is only safe from a process with a single
thread: from the console's server (many threads), or where fork is not
available, the PDF is printed in this process as before. The worker writes
the PDF the way ``write_pdf`` always does (a temporary file renamed into
place), so a kill at any moment leaves no half-written PDF; an error in the
worker is raised here, as it would have been raised in this process.
"""

from __future__ import annotations

import multiprocessing
import signal
import threading
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from types import TracebackType

from opskit.errors import OpskitError

# The stylesheet and fonts a document names are found beside its templates.
TEMPLATE_DIR = Path(__file__).parent / "templates"


def write_pdf(html: str, path: Path) -> None:
    """Print the HTML to an A4 PDF (WeasyPrint, loaded only when a PDF is asked for)."""
    import logging

    from weasyprint import HTML

    for name in ("weasyprint", "fontTools"):
        logging.getLogger(name).setLevel(logging.ERROR)
    partial = temporary(path)
    HTML(string=html, base_url=str(TEMPLATE_DIR)).write_pdf(partial)
    partial.replace(path)


def temporary(path: Path) -> Path:
    """Where the PDF for ``path`` is written before it is renamed into place."""
    return path.with_name(f".{path.name}.tmp")


def _start_worker() -> None:
    """Load WeasyPrint at once, while the command reads the store. (The worker ignores
    Ctrl-C: the command hears it and stops the worker.)"""
    import weasyprint  # noqa: F401


def _nothing() -> None:
    """A first task: the pool starts its worker on the first one."""


class Printer:
    """Prints HTML to PDF in a forked worker when it is safe to fork, else in this process."""

    def __init__(self, wanted: bool = True) -> None:
        self._pool: ProcessPoolExecutor | None = None
        self._started: list[Path] = []
        if wanted and threading.active_count() == 1 and _can_fork():
            # Forked with Ctrl-C ignored, so that the worker never sees it (a key pressed
            # during these few milliseconds is lost; the next one is heard).
            previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
            try:
                self._pool = ProcessPoolExecutor(
                    max_workers=1,
                    mp_context=multiprocessing.get_context("fork"),
                    initializer=_start_worker,
                )
                self._pool.submit(_nothing)  # starts the worker now
            finally:
                signal.signal(signal.SIGINT, previous)

    @property
    def forked(self) -> bool:
        return self._pool is not None

    def start(self, html: str, path: Path) -> Callable[[], None]:
        """Begin printing ``html`` to ``path``; returns the wait for it to be written."""
        self._started.append(path)
        if self._pool is None:
            return lambda: write_pdf(html, path)
        stopped = OpskitError(
            f"the PDF of {path.name} was not written: its printing process stopped",
            details=["run the command again; if it recurs, run it with -vv"],
        )
        try:
            future: Future[None] = self._pool.submit(write_pdf, html, path)
        except BrokenProcessPool:
            raise stopped from None

        def wait() -> None:
            try:
                future.result()
            except BrokenProcessPool:
                raise stopped from None

        return wait

    def close(self, abandon: bool = False) -> None:
        """Stop the worker once its work is done; with ``abandon`` (the command failed or was
        interrupted) at once, leaving no partial PDF."""
        pool, self._pool = self._pool, None
        if pool is not None:
            if abandon:
                # No public way to stop a running task before Python 3.14's terminate_workers.
                for process in list(pool._processes.values()):
                    process.terminate()
            pool.shutdown(wait=True, cancel_futures=True)
        if abandon:
            for path in self._started:
                temporary(path).unlink(missing_ok=True)

    def __enter__(self) -> Printer:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close(abandon=error is not None)


def _can_fork() -> bool:
    return "fork" in multiprocessing.get_all_start_methods()
