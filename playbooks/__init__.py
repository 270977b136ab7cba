"""Fabric playbooks: tasks that gather raw facts on a host."""
