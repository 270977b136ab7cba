"""What a command needs from its surroundings, loaded only when asked for."""

from __future__ import annotations

import sys
from datetime import tzinfo
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from opskit.config.schema import Config
    from opskit.store import Store


class AppContext:
    """The config file, the history store and the terminal of one command.

    The config is located and validated on first use, so commands that do
    not need it (``init``, ``--help``) never touch it.
    """

    def __init__(
        self,
        config_path: str | None = None,
        interactive: bool | None = None,
        config: Config | None = None,
    ) -> None:
        self.config_path = config_path
        self.interactive = sys.stdin.isatty() if interactive is None else interactive
        self._store: Store | None = None
        if config is not None:
            # A long-running edge (the console) validates once and shares the result.
            self.__dict__["config"] = config
            if config.source is not None:
                self.__dict__["config_file"] = config.source

    @cached_property
    def config_file(self) -> Path:
        from opskit.config.load import locate

        return locate(self.config_path)

    @cached_property
    def config(self) -> Config:
        from opskit.config.load import load

        return load(self.config_file)

    @property
    def timezone(self) -> tzinfo:
        import zoneinfo

        return zoneinfo.ZoneInfo(self.config.organisation.timezone)

    def store(self) -> Store:
        """The history store, opened once per command."""
        if self._store is None:
            from opskit.store import Store

            self._store = Store.open(self.config.store_location)
        return self._store

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None
