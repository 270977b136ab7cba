"""Entry point for the ``fab`` command: every opskit playbook task by name.

fab -r "$(opskit paths playbooks)" --list
fab -r "$(opskit paths playbooks)" -H admin@web1 facts
fab -r "$(opskit paths playbooks)" -H admin@web1 uat-command --argv "systemctl is-active nginx"
"""

from opskit.playbooks.backup import restic_version
from opskit.playbooks.facts import facts
from opskit.playbooks.logs import log_files
from opskit.playbooks.security import security
from opskit.playbooks.uat import uat_command

__all__ = ["facts", "log_files", "restic_version", "security", "uat_command"]
