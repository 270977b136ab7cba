"""What calls ``opskit run`` every few minutes: a crontab line, systemd units, a CI workflow.

The scheduler only wakes opskit up; which job is due is opskit's business
(``opskit run``), so every emitter here is the same "call it every N
minutes" in that scheduler's own words.
"""

from __future__ import annotations

import shlex
import sys
from pathlib import Path

CRON_MARKER = "# opskit-schedule"
CONSOLE_UNIT = "opskit-console"
UNIT_NAME = "opskit"

CHECKOUT = "actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683  # v4.2.2"
SETUP_PYTHON = "actions/setup-python@a26af69be951a213d495a4c3e4e4022e16d87065  # v5.6.0"
CACHE_RESTORE = "actions/cache/restore@5a3ec84eff668545956fd18022155c47e93e2684  # v4.2.3"
CACHE_SAVE = "actions/cache/save@5a3ec84eff668545956fd18022155c47e93e2684  # v4.2.3"
UPLOAD = "actions/upload-artifact@ea165f8d65b6e75b540449e92b4886f43607fa02  # v4.6.2"
DOWNLOAD = "actions/download-artifact@d3f86a106a0bac45b974a628896c90dbdf5c8093  # v4.3.0"
UPLOAD_PAGES = "actions/upload-pages-artifact@56afc609e74202658d3ffba0e8f6dda462b719fa  # v3.0.1"
DEPLOY_PAGES = "actions/deploy-pages@d6db90164ac5ed86f2b6aed7e0febac5b3c0c03e  # v4.0.5"


def opskit_command(config_path: Path) -> list[str]:
    """How a scheduler starts this opskit: its own interpreter (-P: never a copy in the
    working directory), this config."""
    return [
        sys.executable,
        "-P",
        "-m",
        "opskit",
        "--config",
        str(config_path.resolve()),
        "run",
        "--quiet",
    ]


def cron_line(config_path: Path, every_minutes: int, env_file: Path | None = None) -> str:
    command = shlex.join(["nice", "-n", "10", "ionice", "-c", "3", *opskit_command(config_path)])
    if env_file is not None:
        command = f"set -a && . {shlex.quote(str(env_file))} && set +a && {command}"
    return f"*/{every_minutes} * * * * {command} {CRON_MARKER}"


def merge_crontab(existing: str, line: str | None) -> str:
    """``existing`` without opskit's line, plus ``line`` if given."""
    kept = [entry for entry in existing.splitlines() if not entry.rstrip().endswith(CRON_MARKER)]
    if line:
        kept.append(line)
    return "\n".join(kept).strip("\n") + "\n" if kept else ""


def systemd_units(
    config_path: Path, every_minutes: int, env_file: Path | None = None, console: bool = False
) -> dict[str, str]:
    """A oneshot service at low CPU and I/O priority, a persistent timer with a random delay,
    and with ``console`` the web console as a long-running service."""
    environment = f"EnvironmentFile=-{env_file}\n" if env_file else ""
    service = (
        "[Unit]\n"
        "Description=opskit scheduled jobs (SOP monitoring, backups and reports)\n"
        "Wants=network-online.target\n"
        "After=network-online.target\n"
        "\n"
        "[Service]\n"
        "Type=oneshot\n"
        f"ExecStart={shlex.join(opskit_command(config_path))}\n"
        f"{environment}"
        "Nice=10\n"
        "IOSchedulingClass=idle\n"
        "CPUSchedulingPolicy=batch\n"
        "TimeoutStartSec=12h\n"
    )
    timer = (
        "[Unit]\n"
        f"Description=Run opskit every {every_minutes} minutes\n"
        "\n"
        "[Timer]\n"
        f"OnCalendar=*:0/{every_minutes}\n"
        "Persistent=true\n"
        "RandomizedDelaySec=60\n"
        "AccuracySec=30s\n"
        "\n"
        "[Install]\n"
        "WantedBy=timers.target\n"
    )
    units = {f"{UNIT_NAME}.service": service, f"{UNIT_NAME}.timer": timer}
    if console:
        units[f"{CONSOLE_UNIT}.service"] = console_unit(config_path, env_file)
    return units


def console_unit(config_path: Path, env_file: Path | None = None) -> str:
    """``opskit serve`` kept running, restarted on failure, with little it may touch."""
    environment = f"EnvironmentFile=-{env_file}\n" if env_file else ""
    command = [*opskit_command(config_path)[:-2], "serve"]
    return (
        "[Unit]\n"
        "Description=opskit console (the office's web console and public status page)\n"
        "Wants=network-online.target\n"
        "After=network-online.target\n"
        "\n"
        "[Service]\n"
        "Type=simple\n"
        f"ExecStart={shlex.join(command)}\n"
        f"{environment}"
        "Restart=on-failure\n"
        "RestartSec=5\n"
        "NoNewPrivileges=yes\n"
        "PrivateTmp=yes\n"
        "ProtectSystem=full\n"
        "\n"
        "[Install]\n"
        "WantedBy=multi-user.target\n"
    )


def github_workflow(every_minutes: int = 15, shards: int = 1, status_page: bool = False) -> str:
    """A GitHub Actions workflow calling ``opskit run`` on a schedule, history kept in the cache.

    With ``shards`` > 1 a matrix runs the checks in parallel, each shard
    exports its history, and a last job merges them and runs the rest. With
    ``status_page`` the last job also writes the public status page and a
    job publishes it on GitHub Pages.
    """
    header = f"""\
# opskit on a GitHub Actions schedule.
#
# Secrets: OPSKIT_CONFIG (the whole opskit.yaml) and any variables its
# *_env keys name (add them to the env: of the "Run" step).
# What belongs here: jobs that reach your systems from the internet (website
# checks, domains and certificates, SSH hosts reachable from outside, S3
# backups). A job about the host "local" (backups of local paths, check host
# local) would run on GitHub's runner, not on your server.
# Known limits of CI schedules: runs start late (often 5-30 minutes) and
# may be skipped under load; GitHub disables schedules after 60 days
# without repository activity; runners are in GitHub's data centres, not
# in the office, so checks see the sites from outside. The history lives
# in the Actions cache (evicted after 7 days unused); opskit finds it
# through OPSKIT_STATE_DIR unless the config sets paths.state_dir.
name: opskit scheduled run

on:
  schedule:
    - cron: "*/{every_minutes} * * * *"   # UTC
  workflow_dispatch:

permissions:
  contents: read

concurrency:
  group: opskit-scheduled
  cancel-in-progress: false
"""
    setup = f"""\
      - uses: {CHECKOUT}
      - uses: {SETUP_PYTHON}
        with:
          python-version: "3.11"
      - name: Install opskit
        run: python -m pip install --quiet .
      - name: Write the configuration from the repository secret
        env:
          OPSKIT_CONFIG_YAML: ${{{{ secrets.OPSKIT_CONFIG }}}}
        run: |
          umask 077
          printf '%s\\n' "$OPSKIT_CONFIG_YAML" > opskit.yaml
          mkdir -p state
      - name: Restore the history
        uses: {CACHE_RESTORE}
        with:
          path: state
          key: opskit-state-${{{{ github.run_id }}}}
          restore-keys: opskit-state-
"""
    save = f"""\
      - name: Keep the history for the next run
        if: always()
        uses: {CACHE_SAVE}
        with:
          path: state
          key: opskit-state-${{{{ github.run_id }}}}
"""
    state_env = """\
        env:
          OPSKIT_STATE_DIR: ${{ github.workspace }}/state
"""
    if status_page:
        save += f"""\
      - name: Write the public status page
        if: always()
{state_env}        run: opskit --config opskit.yaml report status-page --output public
      - uses: {UPLOAD_PAGES}
        if: always()
        with:
          path: public
"""
    pages = (
        f"""
  pages:
    needs: {"merge" if shards > 1 else "run"}
    if: always()
    runs-on: ubuntu-24.04
    timeout-minutes: 10
    permissions:
      pages: write
      id-token: write
    environment:
      name: github-pages
      url: ${{{{ steps.deployment.outputs.page_url }}}}
    steps:
      - id: deployment
        uses: {DEPLOY_PAGES}
"""
        if status_page
        else ""
    )
    shard_setup = setup.replace("opskit-state-", "opskit-shard-${{ matrix.shard }}-")
    shard_save = save.replace("opskit-state-", "opskit-shard-${{ matrix.shard }}-")
    if shards <= 1:
        return (
            header
            + f"""
jobs:
  run:
    runs-on: ubuntu-24.04
    timeout-minutes: 60
    steps:
{setup}      - name: Run the jobs that are due
{state_env}        run: opskit --config opskit.yaml run
{save}{pages}"""
        )
    return (
        header
        + f"""
jobs:
  checks:
    runs-on: ubuntu-24.04
    timeout-minutes: 60
    strategy:
      fail-fast: false
      matrix:
        shard: [{", ".join(str(index) for index in range(1, shards + 1))}]
    steps:
{shard_setup}      - name: Run this shard's checks
{state_env}        run: opskit --config opskit.yaml run --shard ${{{{ matrix.shard }}}}/{shards}
      - name: Export this shard's history
        if: always()
{state_env}        run: >-
          opskit --config opskit.yaml history --since 1d
          --export shard-${{{{ matrix.shard }}}}.jsonl
      - uses: {UPLOAD}
        if: always()
        with:
          name: opskit-shard-${{{{ matrix.shard }}}}
          path: shard-${{{{ matrix.shard }}}}.jsonl
          retention-days: 2
{shard_save}
  merge:
    needs: checks
    if: always()
    runs-on: ubuntu-24.04
    timeout-minutes: 60
    steps:
{setup}      - uses: {DOWNLOAD}
        with:
          pattern: opskit-shard-*
          merge-multiple: true
          path: shards
      - name: Merge the shards and run the other jobs (reports, backups)
{state_env}        run: |
          opskit --config opskit.yaml history --import shards/*.jsonl
          opskit --config opskit.yaml run --no-checks
{save}{pages}"""
    )
