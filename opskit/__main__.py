"""Allow ``python -m opskit``."""

from opskit.cli import run

run()
