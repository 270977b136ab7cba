"""`check web --shard I/N`: each site is checked by exactly one shard."""

from __future__ import annotations

import pytest

from support.system import free_port

pytestmark = pytest.mark.integration


def test_sites_split_over_shards_without_overlap(make_config, cli) -> None:
    port = free_port()  # nothing listens: every check is a quick refusal
    config = make_config(
        {
            "sites": [
                {"name": f"site-{number}", "url": f"http://127.0.0.1:{port}/{number}"}
                for number in range(8)
            ]
        }
    )

    seen = []
    for index in (1, 2, 3):
        run = cli(
            "--config",
            config,
            "check",
            "web",
            "--only",
            "http",
            "--shard",
            f"{index}/3",
            "--format",
            "json",
        )
        seen.append({result["target"] for result in run.json["results"]})

    assert set().union(*seen) == {f"site-{number}" for number in range(8)}
    assert sum(len(found) for found in seen) == 8


def test_a_plain_http_site_gets_a_tls_warning(make_config, cli) -> None:
    port = free_port()
    config = make_config({"sites": [{"name": "plain", "url": f"http://127.0.0.1:{port}/"}]})

    run = cli("--config", config, "check", "web", "--only", "tls", "--format", "json")

    [result] = run.json["results"]
    assert (result["check_id"], result["status"]) == ("web.tls", "WARNING")
    assert "plain HTTP" in result["summary"]
