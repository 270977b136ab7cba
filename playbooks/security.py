"""Security facts: firewall, listening ports, sshd, ClamAV, updates and web files, raw.

An ordinary Fabric task module. opskit calls ``gather_security`` with a
Connection (SSH hosts) or an invoke Context (this machine) and judges the
raw output itself; an admin can run it by hand and read what it gathered::

    fab -r "$(opskit paths playbooks)" -H admin@web1 security
    fab -r "$(opskit paths playbooks)" -H admin@web1 security --areas=ssh,firewall --sudo

Two round trips: the commands any user may run, then those that need root
(through sudo when the host has ``sudo: true`` and the login is not root).
Each section is framed by marker lines carrying a random word, so output
(file names in a web root included) cannot pretend to be a marker.
"""

from __future__ import annotations

import json
import secrets
import shlex
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from fabric import task

AREAS = ("firewall", "ports", "ssh", "antivirus", "updates", "webfiles")
PREAMBLE = (
    'PATH="$PATH:/usr/local/sbin:/usr/sbin:/sbin"; export PATH; LC_ALL=C; export LC_ALL; '
    "err=$(mktemp 2>/dev/null || echo /dev/null); "
    'trap \'[ "$err" = /dev/null ] || rm -f "$err"\' EXIT; '
)
# firewall-cmd and clamdscan talk to daemons that can hang; never wait on them long.
SHORT = "timeout 30"


@dataclass(frozen=True)
class Plan:
    """What to gather: the areas and the paths the host's policy names."""

    areas: tuple[str, ...] = AREAS
    sshd_config: str = "/etc/ssh/sshd_config"
    clamd_config: str = "/etc/clamav/clamd.conf"
    database_dir: str = "/var/lib/clamav"
    scan_log: str = "/var/log/clamav/scan.log"
    web_roots: tuple[str, ...] = ()
    hash_max_kilobytes: int = 51200


@dataclass
class Gathered:
    """Raw sections by name, how the privileged ones were run, and what failed."""

    sections: dict[str, dict[str, Any]] = field(default_factory=dict)
    privilege: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"sections": self.sections, "privilege": self.privilege}


def plain_sections(plan: Plan) -> dict[str, str]:
    """Commands that need no privileges."""
    sections = {"uid": "id -u", "clock": "date +%s%z", "os-release": "cat /etc/os-release"}
    if "firewall" in plan.areas or "ports" in plan.areas:
        sections["iptables-version"] = "iptables -V"
        sections["ipv6-global"] = "ip -o -6 addr show scope global"
        sections["firewall-services"] = (
            "for unit in ufw nftables firewalld netfilter-persistent; do "
            'enabled=$(systemctl is-enabled "$unit" 2>/dev/null | head -n 1); '
            'active=$(systemctl is-active "$unit" 2>/dev/null | head -n 1); '
            'echo "$unit ${enabled:--} ${active:--}"; done; '
            "grep -h '^ENABLED=' /etc/ufw/ufw.conf 2>/dev/null || true"
        )
    if "antivirus" in plan.areas:
        conf = shlex.quote(plan.clamd_config)
        sections["clamav-programs"] = "command -v clamd clamdscan clamscan freshclam"
        sections["clamd-config"] = f"cat {conf}"
        sections["clamd-ping"] = f"{SHORT} clamdscan --config-file={conf} --ping 1"
        sections["clamd-version"] = f"{SHORT} clamdscan --config-file={conf} --version"
        default_dir = shlex.quote(plan.database_dir)
        sections["signatures"] = (
            f"dir=$(awk '$1==\"DatabaseDirectory\"{{print $2}}' {conf} 2>/dev/null | tail -n 1); "
            f'dir=${{dir:-{default_dir}}}; echo "directory $dir"; '
            'for name in daily.cvd daily.cld daily.cud; do if [ -f "$dir/$name" ]; then '
            'echo "file $name"; head -c 512 "$dir/$name" | tr -d "\\000"; echo; fi; done'
        )
    if "updates" in plan.areas:
        sections["apt"] = (
            "command -v apt-get >/dev/null || { echo 'no apt-get'; exit 127; }; "
            "apt-get -s -o Debug::NoLocking=1 dist-upgrade"
        )
        sections["apt-lists"] = (
            "stat -c '%Y %n' /var/lib/apt/lists/*Release "
            "/var/lib/apt/periodic/update-success-stamp 2>/dev/null | sort -n | tail -n 1"
        )
        sections["reboot-required"] = (
            "if [ -f /var/run/reboot-required ]; then echo required; "
            "cat /var/run/reboot-required.pkgs 2>/dev/null; else echo no; fi"
        )
        sections["kernels"] = "uname -r; ls /boot 2>/dev/null | sed -n 's/^vmlinuz-//p' | sort -V"
    return sections


def privileged_sections(plan: Plan) -> dict[str, str]:
    """Commands reading root-only state: firewall rules, socket owners, sshd, logs, web roots."""
    sections: dict[str, str] = {}
    if "firewall" in plan.areas or "ports" in plan.areas:
        sections["ufw"] = "ufw status verbose"
        sections["nft"] = "nft -j list ruleset"
        sections["iptables"] = "iptables-save"
        sections["ip6tables"] = "ip6tables-save"
        sections["iptables-legacy"] = (
            "if command -v iptables-legacy-save >/dev/null; then iptables-legacy-save; fi"
        )
        sections["ip6tables-legacy"] = (
            "if command -v ip6tables-legacy-save >/dev/null; then ip6tables-legacy-save; fi"
        )
        sections["firewalld"] = (
            f"if command -v firewall-cmd >/dev/null; then {SHORT} firewall-cmd --state; "
            "else echo 'not installed'; fi"
        )
    if "ports" in plan.areas:
        sections["ss"] = "ss -tulpnH"
    if "ssh" in plan.areas:
        config = shlex.quote(plan.sshd_config)
        sections["sshd"] = f"sshd -T -f {config}"
        keys = (
            "permitrootlogin|passwordauthentication|kbdinteractiveauthentication|"
            "challengeresponseauthentication|permitemptypasswords|maxauthtries|x11forwarding|"
            "ciphers|macs|kexalgorithms"
        )
        sections["sshd-sources"] = (
            f'cd "$(dirname {config})" && set -- {config} $(awk \'tolower($1)=="include"'
            f"{{for(i=2;i<=NF;i++)print $i}}' {config}) && "
            f"grep -HniE '^[[:space:]]*({keys})[[:space:]]' \"$@\" 2>/dev/null; true"
        )
    if "antivirus" in plan.areas:
        log = shlex.quote(plan.scan_log)
        sections["scan-log"] = f"stat -c 'modified %Y' {log} && tail -c 262144 {log}"
    if "webfiles" in plan.areas:
        for index, root in enumerate(plan.web_roots):
            sections[f"web:{index}"] = web_listing(root, plan.hash_max_kilobytes)
            sections[f"web-errors:{index}"] = 'head -c 4000 "$err"; : > "$err"'
    return sections


def web_listing(root: str, hash_max_kilobytes: int) -> str:
    """Every entry under ``root`` (type, mode, size, mtime, path) and the SHA-256 of its files.

    Records end with NUL, so any file name survives; errors go to ``$err``
    and are read by the next section instead of breaking a record.
    """
    return (
        f'cd -- {shlex.quote(root)} 2>"$err" || exit 2; '
        "find . -xdev -mindepth 1 -printf 'M\\t%y\\t%m\\t%s\\t%T@\\t%P\\0' "
        f'\\( -type f -size -{hash_max_kilobytes}k -exec sha256sum -z -- {{}} + \\) 2>"$err"'
    )


def build_script(sections: dict[str, str], marker: str) -> str:
    """One shell script that runs every section (each in a subshell) and frames its output."""
    parts = [PREAMBLE]
    for name, command in sections.items():
        parts.append(
            f"echo '{marker} {name}'; ( {command} ) 2>&1; code=$?; echo; "
            f'echo "{marker} {name}:exit $code";'
        )
    return " ".join(parts)


def split_sections(text: str, marker: str, commands: dict[str, str]) -> dict[str, dict[str, Any]]:
    """``{name: {"output", "exit_code", "command"}}`` from a framed script's output."""
    sections: dict[str, dict[str, Any]] = {}
    current: str | None = None
    lines: list[str] = []
    for line in text.split("\n"):
        label = line[len(marker) + 1 :] if line.startswith(marker + " ") else None
        if current is None:
            if label in commands:
                current, lines = label, []
        elif label is not None and label.startswith(current + ":exit "):
            code = label.rpartition(":exit ")[2]
            output = "\n".join(lines)
            sections[current] = {
                "output": output[:-1] if output.endswith("\n") else output,
                "exit_code": int(code) if code.isdigit() else None,
                "command": _shown(current, commands.get(current, "")),
            }
            current, lines = None, []
        else:
            lines.append(line)
    return sections


def _shown(name: str, command: str) -> str:
    """The command as evidence shows it (the web listing is long; name its tools)."""
    if name.startswith("web:"):
        return "find ROOT -xdev -printf ... -exec sha256sum -z {} +"
    return command


def gather_security(c: Any, plan: Plan, use_sudo: bool) -> Gathered:
    """Raw sections for ``plan`` from two commands on the host."""
    gathered = Gathered()
    marker = f"@@opskit-{secrets.token_hex(6)}"
    plain = plain_sections(plan)
    result = c.run(build_script(plain, marker), hide=True, warn=True, in_stream=False)
    gathered.sections.update(split_sections(result.stdout, marker, plain))
    privileged = privileged_sections(plan)
    if not privileged:
        return gathered
    uid = gathered.sections.get("uid", {}).get("output", "").strip()
    mode = "sudo" if use_sudo and uid != "0" else "none"
    gathered.privilege = {"mode": mode, "uid": uid, "ok": True, "error": ""}
    result, error = run_privileged(c, build_script(privileged, marker), mode)
    if result is not None:
        gathered.sections.update(split_sections(result.stdout, marker, privileged))
    if error or not any(name in gathered.sections for name in privileged):
        tail = error or (result.stderr.strip()[-300:] if result is not None else "")
        gathered.privilege.update(ok=False, error=tail or "no output from the privileged commands")
    return gathered


def run_privileged(c: Any, script: str, mode: str) -> tuple[Any, str]:
    """Run ``script`` as root if asked: ``c.sudo`` with a configured password, else ``sudo -n``."""
    if mode != "sudo":
        return c.run(script, hide=True, warn=True, in_stream=False), ""
    wrapped = "sh -c " + shlex.quote(script)
    if getattr(c.config.sudo, "password", None):
        from invoke.exceptions import Failure

        try:
            return c.sudo(wrapped, hide=True, warn=True, in_stream=False), ""
        except Failure as failure:  # wrong password: the responder gives up
            return (
                None,
                f"sudo refused the password ({failure.__class__.__name__}); check sudo_password_*",
            )
    return c.run("sudo -n " + wrapped, hide=True, warn=True, in_stream=False), ""


def scan_command(path: str, clamd_config: str, use_daemon: bool, database_dir: str) -> str:
    """The on-demand scan: clamdscan if the daemon answers (fast), else clamscan on its database."""
    target = shlex.quote(path)
    if use_daemon:
        conf = shlex.quote(clamd_config)
        return f"clamdscan --config-file={conf} --fdpass --multiscan --infected -- {target}"
    database = shlex.quote(database_dir)
    return f"clamscan --database={database} --recursive --infected --stdout -- {target}"


def run_scan(
    c: Any, path: str, clamd_config: str, database_dir: str, use_sudo: bool
) -> dict[str, Any]:
    """Scan ``path`` with ClamAV on the host; the raw output and exit code (0 clean, 1 found)."""
    conf = shlex.quote(clamd_config)
    probe = c.run(
        f'echo "uid $(id -u)"; echo "database $(awk \'$1=="DatabaseDirectory"{{print $2}}\' '
        f'{conf} 2>/dev/null | tail -n 1)"; {SHORT} clamdscan --config-file={conf} --ping 1 '
        '>/dev/null 2>&1; echo "ping $?"',
        hide=True,
        warn=True,
        in_stream=False,
    )
    answers = dict((line.split(" ", 1) + [""])[:2] for line in probe.stdout.splitlines())
    uid, ping = answers.get("uid", ""), answers.get("ping", "")
    database_dir = answers.get("database", "").strip() or database_dir
    use_daemon = ping.strip() == "0"
    shown = scan_command(path, clamd_config, use_daemon, database_dir)
    mode = "sudo" if use_sudo and uid.strip() != "0" else "none"
    result, error = run_privileged(c, "LC_ALL=C; export LC_ALL; " + shown, mode)
    return {
        "scanner": "clamdscan" if use_daemon else "clamscan",
        "command": shown,
        "path": path,
        "exit_code": result.exited if result is not None else None,
        "output": result.stdout[-200_000:] if result is not None else "",
        "errors": error or (result.stderr[-4000:] if result is not None else ""),
    }


@task(help={"areas": "comma-separated: " + ",".join(AREAS), "sudo": "read root-only state"})
def security(c: Any, areas: str = ",".join(AREAS), sudo: bool = False) -> None:
    """Print the raw security facts of this host as JSON (built-in baseline paths)."""
    chosen = tuple(area.strip() for area in areas.split(",") if area.strip())
    print(json.dumps(gather_security(c, Plan(areas=chosen), use_sudo=sudo).to_dict(), indent=2))


def plan_areas(areas: Sequence[str]) -> tuple[str, ...]:
    """The playbook areas needed for opskit's check areas (ports need the firewall too)."""
    chosen = [area for area in areas if area in AREAS]
    if "ports" in chosen and "firewall" not in chosen:
        chosen.append("firewall")
    return tuple(chosen)
