"""Entry point for the ``fab`` command: every opskit playbook task by name.

fab -r "$(opskit paths playbooks)" --list
fab -r "$(opskit paths playbooks)" -H admin@web1 facts
"""

from opskit.playbooks.backup import restic_version
from opskit.playbooks.facts import facts
from opskit.playbooks.security import security

__all__ = ["facts", "restic_version", "security"]
