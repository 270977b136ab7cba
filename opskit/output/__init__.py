"""Rendering at the edge: an Outcome as a Rich table for people or a JSON envelope.

Human output goes to stdout with colour only on a terminal (and never when
NO_COLOR is set); JSON is one versioned envelope on stdout, also when the
command failed. Every string passes through secret masking on the way out.
"""

from __future__ import annotations

from opskit.output.envelope import ENVELOPE_SCHEMA, envelope, write_error, write_json
from opskit.output.human import make_console, results_table, simple_table, summary_line
from opskit.output.progress import progress_reporter, steps_reporter
from opskit.output.views import write_human

__all__ = [
    "ENVELOPE_SCHEMA",
    "envelope",
    "make_console",
    "progress_reporter",
    "results_table",
    "simple_table",
    "steps_reporter",
    "summary_line",
    "write_error",
    "write_human",
    "write_json",
]
