"""Builders: gather a document's data from config and history into a Document."""
