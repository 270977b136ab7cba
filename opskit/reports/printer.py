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
    temporary = path.with_name(f".{path.name}.tmp")
    HTML(string=html, base_url=str(TEMPLATE_DIR)).write_pdf(temporary)
    temporary.replace(path)


def _load_engine() -> None:
    import weasyprint  # noqa: F401 - loaded ahead, while the parent reads the store


class Printer:
    """Prints HTML to PDF in a forked worker when it is safe to fork, else in this process."""

    def __init__(self, wanted: bool = True) -> None:
        self._pool: ProcessPoolExecutor | None = None
        if wanted and threading.active_count() == 1 and _can_fork():
            self._pool = ProcessPoolExecutor(
                max_workers=1, mp_context=multiprocessing.get_context("fork")
            )
            self._pool.submit(_load_engine)  # starts the worker now

    @property
    def forked(self) -> bool:
        return self._pool is not None

    def start(self, html: str, path: Path) -> Callable[[], None]:
        """Begin printing ``html`` to ``path``; returns the wait for it to be written."""
        if self._pool is None:
            return lambda: write_pdf(html, path)
        future: Future[None] = self._pool.submit(write_pdf, html, path)

        def wait() -> None:
            try:
                future.result()
            except BrokenProcessPool:
                raise OpskitError(
                    f"the PDF of {path.name} was not written: its printing process stopped",
                    details=["run the command again; if it recurs, run it with -vv"],
                ) from None

        return wait

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def __enter__(self) -> Printer:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()


def _can_fork() -> bool:
    return "fork" in multiprocessing.get_all_start_methods()
