"""Evidence people can read: per check kind, the few facts that matter, as small tables.

The raw evidence stays in the store, the JSON output and the documents'
appendix; a view picks from it what a reader needs (which phrases where,
which ports, which files) and names each column with a message, so it reads
the same in either language. A check kind without a view shows none.
"""

from __future__ import annotations

import logging
from typing import Any

from opskit.evidence import operations, security, web
from opskit.evidence.facts import Code, Facts, View

__all__ = ["Code", "Facts", "facts_for"]

logger = logging.getLogger(__name__)

VIEWS: dict[str, View] = {**web.VIEWS, **security.VIEWS, **operations.VIEWS}


def view_for(check_id: str) -> View | None:
    """The view of ``check_id``, else of its nearest parent (``ssh.root-login`` -> ``ssh``)."""
    while check_id:
        if check_id in VIEWS:
            return VIEWS[check_id]
        check_id = check_id.rpartition(".")[0]
    return None


def facts_for(check_id: str, evidence: dict[str, Any]) -> list[Facts]:
    """What to show of ``evidence``; none for a record from a version that kept other facts."""
    view = view_for(check_id)
    if view is None or not isinstance(evidence, dict):
        return []
    try:
        return view(evidence)
    except (KeyError, TypeError, ValueError, AttributeError):
        logger.debug("evidence of %s not shown", check_id, exc_info=True)
        return []
