"""Finding, reading and validating opskit.yaml (``load``), its schema and its caches."""

import os

# opskit uses no pydantic plugin, and looking for one reads the metadata of every installed
# package when the first model is built: about 10 ms of every command that loads the config.
# (An empty value set by the admin turns the search back on.)
os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
