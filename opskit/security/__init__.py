"""Server security checks: pure parsers and evaluators of facts from playbooks/security.py."""
