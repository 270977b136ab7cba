"""What a command needs from its surroundings, loaded only when asked for."""

from __future__ import annotations

import sys
from datetime import tzinfo
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from opskit.config.schema import Config
    from opskit.config.settings import Settings
    from opskit.store import Store


class AppContext:
    """The config file, the history store and the terminal of one command.

    The config is located and validated on first use, so commands that do
    not need it (``init``, ``--help``) never touch it. A command that reads
    only the history store (``settings_only``) takes the store's place, the
    time zone and the language from the config's last validation when the
    file is unchanged since (``opskit.config.settings``), and so never
    imports the schema. A command that can start its work from what was
    kept of the config (a backup's plan) defers it (``defer_config``): its
    settings come from that validation too, and the config loads only if
    the command comes to need it (a failure to announce, say).
    """

    def __init__(
        self,
        config_path: str | None = None,
        interactive: bool | None = None,
        config: Config | None = None,
        settings_only: bool = False,
    ) -> None:
        self.config_path = config_path
        self.settings_only = settings_only
        self.interactive = sys.stdin.isatty() if interactive is None else interactive
        self._store: Store | None = None
        self._deferred = False
        if config is not None:
            # A long-running edge (the console) validates once and shares the result.
            self.__dict__["config"] = config
            if config.source is not None:
                self.__dict__["config_file"] = config.source

    @cached_property
    def config_file(self) -> Path:
        from opskit.paths import locate_config

        return locate_config(self.config_path)

    @cached_property
    def config(self) -> Config:
        from opskit.config.load import load

        return load(self.config_file)

    def config_known(self) -> bool:
        """Whether the config is loaded (by this command, or given by the console)."""
        return "config" in self.__dict__

    def defer_config(self) -> None:
        """This command starts without the config: take the settings from its last validation."""
        self._deferred = True

    @cached_property
    def settings(self) -> Settings:
        """Where the store is, the time zone and the language, validated."""
        if (self.settings_only or self._deferred) and "config" not in self.__dict__:
            from opskit.config.settings import cached

            found = cached(self.config_file)
            if found is not None:
                return found
        return self.config.settings

    def settings_read(self) -> Settings | None:
        """The settings if this command has read them (or the whole config), else None."""
        if "settings" in self.__dict__ or "config" in self.__dict__:
            return self.settings
        return None

    @property
    def timezone(self) -> tzinfo:
        return self.settings.zone

    def store(self) -> Store:
        """The history store, opened once per command."""
        if self._store is None:
            from opskit.store import Store

            self._store = Store.open(self.settings.store_location)
        return self._store

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None
