"""Where and how the console listens; serving it until Ctrl-C, or in a thread."""

from __future__ import annotations

import ipaddress
import logging
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from opskit.config.schema import Config
from opskit.context import AppContext
from opskit.errors import UsageError
from opskit.outcome import Outcome

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Listen:
    """An address, a port, and how the connection is protected (own TLS or a proxy's)."""

    address: str
    port: int
    tls_cert: Path | None = None
    tls_key: Path | None = None
    behind_proxy: bool = False

    @property
    def https(self) -> bool:
        return self.tls_cert is not None

    @property
    def url(self) -> str:
        host = f"[{self.address}]" if ":" in self.address else self.address
        return f"{'https' if self.https else 'http'}://{host}:{self.port}/"

    @classmethod
    def choose(
        cls,
        config: Config,
        *,
        address: str | None = None,
        port: int | None = None,
        tls_cert: str | None = None,
        tls_key: str | None = None,
        behind_proxy: bool = False,
    ) -> Listen:
        """The listening settings, refused with the reason when they would be unsafe."""
        chosen = cls(
            address=address or config.console.address,
            port=port if port is not None else config.console.port,
            tls_cert=Path(tls_cert).expanduser() if tls_cert else None,
            tls_key=Path(tls_key).expanduser() if tls_key else None,
            behind_proxy=behind_proxy,
        )
        chosen.check()
        return chosen

    def check(self) -> None:
        if not 0 <= self.port <= 65535:
            raise UsageError(f"--port {self.port}: a port is 1 to 65535")
        if (self.tls_cert is None) != (self.tls_key is None):
            raise UsageError("give both --tls-cert and --tls-key, or neither")
        for path in (self.tls_cert, self.tls_key):
            if path is not None and not path.is_file():
                raise UsageError(f"{path} is not a file")
        if self.tls_key is not None and self.tls_key.stat().st_mode & 0o077:
            raise UsageError(f"{self.tls_key} is readable by others; chmod 600 it")
        if not _loopback(self.address) and not self.https and not self.behind_proxy:
            raise UsageError(
                f"refusing to serve passwords in clear text on {self.address}: only loopback "
                "may go without TLS",
                details=[
                    "give --tls-cert FILE --tls-key FILE, or put a reverse proxy with TLS in "
                    "front and add --behind-proxy (see the README's nginx example)"
                ],
            )


def _loopback(address: str) -> bool:
    if address == "localhost":
        return True
    try:
        return ipaddress.ip_address(address).is_loopback
    except ValueError:
        return False


def uvicorn_config(app: Any, config: Config, listen: Listen) -> Any:
    import uvicorn

    return uvicorn.Config(
        app,
        host=listen.address,
        port=listen.port,
        ssl_certfile=str(listen.tls_cert) if listen.tls_cert else None,
        ssl_keyfile=str(listen.tls_key) if listen.tls_key else None,
        proxy_headers=listen.behind_proxy,
        forwarded_allow_ips=list(config.console.trusted_proxies) if listen.behind_proxy else [],
        server_header=False,
        timeout_keep_alive=30,
        date_header=True,
        log_level="warning",
        access_log=False,
        lifespan="off",
    )


def serve(context: AppContext, listen: Listen) -> Outcome:
    """Serve until interrupted (Ctrl-C or SIGTERM)."""
    import uvicorn

    from opskit.console.app import create_app

    app = create_app(context.config, https=listen.https or listen.behind_proxy)
    server = uvicorn.Server(uvicorn_config(app, context.config, listen))
    logger.warning("opskit console on %s (Ctrl-C stops it)", listen.url)
    server.run()
    if not server.started:
        raise UsageError(
            f"cannot listen on {listen.address}:{listen.port} (in use, or not allowed)"
        )
    return Outcome(command="serve", messages=[f"the console on {listen.url} has stopped"])


class Background:
    """The console served from a thread (the demo, the tests); ``stop()`` ends it."""

    def __init__(self, config: Config, listen: Listen) -> None:
        import uvicorn

        from opskit.console.app import create_app

        self.listen = listen
        app = create_app(config, https=listen.https or listen.behind_proxy)
        self.server = uvicorn.Server(uvicorn_config(app, config, listen))
        self.thread = threading.Thread(target=self.server.run, name="opskit-console", daemon=True)

    def start(self, timeout_seconds: float = 15) -> Background:
        self.thread.start()
        deadline = time.monotonic() + timeout_seconds
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise UsageError(
                    f"the console could not listen on {self.listen.address}:{self.listen.port}"
                )
            time.sleep(0.02)
        return self

    @property
    def port(self) -> int:
        """The port actually bound (the listen port, or the one chosen for port 0)."""
        sockets = [sock for server in self.server.servers for sock in server.sockets]
        return int(sockets[0].getsockname()[1]) if sockets else self.listen.port

    @property
    def url(self) -> str:
        return f"{'https' if self.listen.https else 'http'}://{self.listen.address}:{self.port}/"

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)
