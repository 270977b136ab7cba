"""The human view of ``opskit verify``: each signature, in the organisation's language."""

from __future__ import annotations

import zoneinfo
from datetime import datetime
from typing import Any

from opskit.outcome import Outcome


def render_signatures(console: Any, outcome: Outcome) -> None:
    from opskit.reports.i18n import Words  # its catalogue loader is not for --help to pay

    data = outcome.data
    words = Words(data["language"], zoneinfo.ZoneInfo(data["timezone"]))
    say = lambda text: console.print(text, markup=False, highlight=False)  # noqa: E731
    say(f"{words('signing.verify.title')} · {words('signing.verify.file')}: {data['file']}")
    if not data["signatures"]:
        say(words("signing.verify.none"))
        return
    for check in data["signatures"]:
        say("")
        say(words("signing.verify.signature", number=check["number"], signer=check["signer"]))
        if check["signed_at"]:
            moment = datetime.fromisoformat(check["signed_at"])
            say("  " + words("signing.verify.signed_at", time=words.datetime(moment)))
        if check["timestamped_at"]:
            moment = datetime.fromisoformat(check["timestamped_at"])
            say("  " + words("signing.verify.timestamp", time=words.datetime(moment)))
        for good, yes, no in (
            (check["intact"], "intact", "broken"),
            (check["trusted"], "trusted", "untrusted"),
            (check["valid_then"], "valid_then", "invalid_then"),
        ):
            say(("  ✓ " if good else "  ✗ ") + words(f"signing.verify.{yes if good else no}"))
        if check["covers_whole_file"]:
            say("  ✓ " + words("signing.verify.whole"))
        elif check["only_signatures_after"]:
            say("  ✓ " + words("signing.verify.later_signatures"))
        else:
            say("  ✗ " + words("signing.verify.modified"))
    problems = sum(1 for check in data["signatures"] if check["problems"])
    count = len(data["signatures"])
    say("")
    say(
        words("signing.verify.verdict_bad", problems=problems, count=count)
        if problems
        else words("signing.verify.verdict_ok", count=count)
    )
