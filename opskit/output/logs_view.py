"""The human view of an access-log analysis."""

from typing import Any

from opskit.masking import mask
from opskit.outcome import Outcome
from opskit.output.human import simple_table


def render_logs(console: Any, outcome: Outcome) -> None:
    for source in outcome.data["sources"]:
        summary = source["summary"]
        console.print(
            f"{source['target']}: {summary['requests']} requests, {summary['clients']} addresses, "
            f"{summary['from'] or '-'} .. {summary['to'] or '-'}"
            + (f", {summary['malformed']} malformed lines" if summary["malformed"] else ""),
            markup=False,
            highlight=False,
        )
        for sample in summary["malformed_samples"][:3]:
            console.print(f"  malformed: {mask(sample)}", markup=False, highlight=False)
        tops = [
            [client, n, path_n[0] if path_n else "", path_n[1] if path_n else ""]
            for (client, n), path_n in zip(
                summary["top_clients"],
                summary["top_paths"] + [None] * len(summary["top_clients"]),
                strict=False,
            )
        ]
        console.print(simple_table(["Top address", "Requests", "Top path", "Requests"], tops))
        statuses = ", ".join(f"{code}: {n}" for code, n in summary["statuses"].items())
        console.print(f"statuses: {statuses}", markup=False, highlight=False)
        for offender in source["offenders"]:
            style = "bold red" if offender["severity"] == "high" else "yellow"
            rules = ", ".join(item["rule"] for item in offender["detections"])
            console.print(f"[{style}]{offender['severity']}[/{style}] ", end="", highlight=False)
            console.print(
                f"{offender['client']} ({rules}) {offender['requests']} requests, "
                f"{offender['first_seen']} .. {offender['last_seen']}",
                markup=False,
                highlight=False,
            )
            for detection in offender["detections"]:
                console.print(
                    f"    {detection['rule']}: {detection['reason']}", markup=False, highlight=False
                )
            for line in offender["evidence"][:3]:
                console.print(f"    | {mask(line)}", markup=False, highlight=False)
            for firewall, command in offender["block_rules"].items():
                console.print(
                    f"    suggested ({firewall}, not applied): {command}",
                    markup=False,
                    highlight=False,
                )
        for item in source["suppressed"]:
            console.print(
                f"allowed: {item['client']} ({item['reason']})", markup=False, highlight=False
            )
