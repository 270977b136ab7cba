"""What a command needs from its surroundings, loaded only when asked for."""

from __future__ import annotations

import importlib
import sys
import threading
from datetime import tzinfo
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

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
    settings come from that validation too, and the config is loaded on a
    thread while the work goes on (``load_config_meanwhile``).
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
        self._loading: _Loading | None = None
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
        if self._loading is not None:
            return self._loading.result()
        from opskit.config.load import load

        return load(self.config_file)

    def config_known(self) -> bool:
        """Whether the config is loaded, or loading."""
        return "config" in self.__dict__ or self._loading is not None

    def wait_for_config(self) -> None:
        """Wait for a config loading on a thread; its config or error stays for ``config``.

        Called before the work goes on to code that imports beside the thread.
        """
        if self._loading is not None:
            self._loading.wait()

    def defer_config(self) -> None:
        """This command starts without the config: take the settings from its last validation."""
        self._deferred = True

    def load_config_meanwhile(self, also: Sequence[str] = ()) -> None:
        """Start loading the config on a thread, unless it is loaded or loading already.

        For a command whose work runs in another process meanwhile (restic):
        the loading takes what the work leaves of the cores instead of adding
        to its time. ``also`` names modules the command needs afterwards, to
        import there too. ``config`` waits for the thread and gives its config
        or raises its error.
        """
        if "config" in self.__dict__ or self._loading is not None:
            return
        from opskit.config.load import load

        config_file = self.config_file
        self._loading = _Loading(lambda: load(config_file), also)

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


class _Loading:
    """The config loading on a thread: its config or its error, once it is done."""

    def __init__(self, load: Callable[[], Config], also: Sequence[str]) -> None:
        self._load, self._also = load, also
        self._config: Config | None = None
        self._error: BaseException | None = None
        # Not a daemon: a command ending early still lets a cache entry be written whole.
        self._thread = threading.Thread(target=self._run, name="opskit-config")
        self._thread.start()

    def _run(self) -> None:
        _yield_to_the_work()
        try:
            self._config = self._load()
            for module in self._also:
                importlib.import_module(module)
        except BaseException as error:  # noqa: BLE001 - handed to whoever asks for the config
            self._error = error

    def wait(self) -> None:
        self._thread.join()

    def result(self) -> Config:
        self._thread.join()
        if self._config is None:
            raise self._error or RuntimeError("the config did not load")
        return self._config


def _yield_to_the_work() -> None:
    """Lowest priority for this thread (Linux gives each thread its own): the work it runs
    beside (restic) keeps the cores it needs, the thread takes what is left."""
    import contextlib
    import os

    # Not Linux, or not allowed: the same work, only at the usual priority.
    with contextlib.suppress(AttributeError, OSError):
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 19)
