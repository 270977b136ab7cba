"""Entry point for the ``fab`` command: every opskit playbook task by name.

fab -r "$(opskit paths playbooks)" --list
fab -r "$(opskit paths playbooks)" -H admin@web1 facts
"""

from opskit.playbooks.facts import facts
from opskit.playbooks.logs import log_files

__all__ = ["facts", "log_files"]
