"""The human view of an access-log analysis.

Everything echoed from a log goes through ``printable``: control characters
arrive escaped (``\\x1b``), never raw, so a log line cannot drive the terminal.
"""

from typing import Any

from opskit.masking import mask
from opskit.outcome import Outcome
from opskit.output.human import printable, simple_table


def render_logs(console: Any, outcome: Outcome) -> None:
    from rich.text import Text

    def say(text: str) -> None:
        console.print(Text(printable(mask(text))), highlight=False)

    for source in outcome.data["sources"]:
        summary = source["summary"]
        say(
            f"{source['target']}: {summary['requests']} requests, {summary['clients']} addresses, "
            f"{summary['from'] or '-'} .. {summary['to'] or '-'}"
            + (f", {summary['malformed']} malformed lines" if summary["malformed"] else "")
        )
        if summary.get("format"):
            zone = summary.get("zone_for_naive_times")
            say(f"format: {summary['format']}" + (f"; times without zone read as {zone}"
                                                   if zone else ""))  # fmt: skip
        if summary.get("backwards"):
            say(f"{summary['backwards']} lines went back in time (merged or altered file?)")
        for sample in summary["malformed_samples"][:3]:
            say(f"  malformed: {sample}")
        tops = [
            [Text(printable(mask(client))), n, Text(printable(path_n[0])) if path_n else "",
             path_n[1] if path_n else ""]
            for (client, n), path_n in zip(
                summary["top_clients"],
                summary["top_paths"] + [None] * len(summary["top_clients"]),
                strict=False,
            )
        ]  # fmt: skip
        console.print(simple_table(["Top address", "Requests", "Top path", "Requests"], tops))
        statuses = ", ".join(f"{code}: {n}" for code, n in summary["statuses"].items())
        say(f"statuses: {statuses}")
        for offender in source["offenders"]:
            style = "bold red" if offender["severity"] == "high" else "yellow"
            rules = ", ".join(item["rule"] for item in offender["detections"])
            line = Text(offender["severity"], style=style)
            line.append(
                printable(
                    f" {offender['client']} ({rules}) {offender['requests']} requests, "
                    f"{offender['first_seen']} .. {offender['last_seen']}"
                )
            )
            console.print(line, highlight=False)
            for detection in offender["detections"]:
                say(f"    {detection['rule']}: {detection['reason']}")
            for evidence in offender["evidence"][:3]:
                say(f"    | {evidence}")
            for firewall, command in offender["block_rules"].items():
                say(f"    suggested ({firewall}, not applied): {command}")
        for form in source.get("forms", []):
            say(
                f"form {form['form']}: {form['addresses']} addresses posted {form['posts']} "
                f"times from {form['from']}"
            )
        for item in source["suppressed"]:
            say(f"allowed: {item['client']} ({item['reason']})")
