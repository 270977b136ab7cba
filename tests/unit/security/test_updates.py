"""Pending updates from captured `apt-get -s dist-upgrade` outputs of a Debian 12 machine."""

from __future__ import annotations

from opskit.result import Status
from opskit.security.updates import evaluate_updates, parse_apt_simulation
from support.security import captured

CLOCK = "1795320754+0000"
LISTS_FRESH = "1795318722 /var/lib/apt/lists/deb.debian.org_debian_dists_bookworm-updates_InRelease"


def by_id(results):
    return {result.check_id: result for result in results}


def test_apt_simulation_lists_upgrades_and_their_origins() -> None:
    upgrades = parse_apt_simulation(captured("apt-get-s-dist-upgrade.txt"))

    assert len(upgrades) == 131
    assert sum(upgrade.security for upgrade in upgrades) == 77
    gcrypt = next(upgrade for upgrade in upgrades if upgrade.package == "libgcrypt20")
    assert gcrypt.installed == "1.10.1-3"
    assert gcrypt.candidate == "1.10.1-3+deb12u1"
    assert gcrypt.origins == ("Debian:12.15/oldstable", "Debian-Security:12/oldstable-security")
    assert not next(upgrade for upgrade in upgrades if upgrade.package == "bash").security


def test_pending_security_updates_are_critical(facts, policy) -> None:
    gathered = facts(
        clock=CLOCK,
        apt=captured("apt-get-s-dist-upgrade.txt"),
        apt_lists=LISTS_FRESH,
        reboot_required="no",
        kernels="6.1.0-18-amd64\n6.1.0-18-amd64",
    )

    results = by_id(evaluate_updates("web1", gathered, policy().updates))

    assert results["os.updates"].status is Status.WARNING
    assert results["os.updates"].summary == "131 updates pending (77 security)"
    assert results["os.updates.security"].status is Status.CRITICAL
    assert results["os.updates.security"].metrics[0].value == 77
    assert "libgcrypt20" in results["os.updates.security"].summary
    assert results["os.updates.reboot"].status is Status.OK


def test_up_to_date_host_with_a_newer_kernel_waiting(facts, policy) -> None:
    gathered = facts(
        clock=CLOCK,
        apt=captured("apt-get-s-dist-upgrade-current.txt"),
        apt_lists=LISTS_FRESH,
        reboot_required="required\nlinux-image-6.1.0-28-amd64",
        kernels="6.1.0-18-amd64\n6.1.0-18-amd64\n6.1.0-28-amd64",
    )

    results = by_id(evaluate_updates("web1", gathered, policy().updates))

    assert results["os.updates"].status is Status.OK
    assert results["os.updates.security"].status is Status.OK
    assert results["os.updates.reboot"].status is Status.WARNING
    assert "linux-image-6.1.0-28-amd64" in results["os.updates.reboot"].summary
    assert "newest installed 6.1.0-28-amd64" in results["os.updates.reboot"].summary


def test_container_kernel_is_not_a_pending_reboot(facts, policy) -> None:
    gathered = facts(reboot_required="no", kernels="6.18.44-fc-v669\n6.1.0-18-amd64")

    results = by_id(evaluate_updates("web1", gathered, policy().updates))

    assert results["os.updates.reboot"].status is Status.OK


def test_old_package_lists_make_the_count_a_warning(facts, policy) -> None:
    gathered = facts(
        clock=CLOCK,
        apt=captured("apt-get-s-dist-upgrade-current.txt"),
        apt_lists="1700000000 /var/lib/apt/lists/x_InRelease",
        reboot_required="no",
    )

    results = by_id(evaluate_updates("web1", gathered, policy().updates))

    assert results["os.updates"].status is Status.WARNING
    assert "package lists are 1103 days old" in results["os.updates"].summary


def test_host_without_apt_is_unknown(facts, policy) -> None:
    gathered = facts(apt=("no apt-get", 127), reboot_required="no")

    results = by_id(evaluate_updates("web1", gathered, policy().updates))

    assert results["os.updates"].status is Status.UNKNOWN
    assert "not a Debian/Ubuntu host" in results["os.updates.security"].summary
