"""Policy, rules, checklists and runbooks shipped with opskit."""
