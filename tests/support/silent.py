"""A TCP server that accepts and never says a word, counting the connections open at once.

The peak count is how a test proves work ran in parallel without timing
it: N clients waiting on this server at the same moment were not waiting
one after the other, however slow the machine.
"""

from __future__ import annotations

import socket
import threading


class SilentServer:
    def __init__(self) -> None:
        self.socket = socket.socket()
        self.socket.bind(("127.0.0.1", 0))
        self.socket.listen(64)
        self.port = int(self.socket.getsockname()[1])
        self.open_now = 0
        self.peak = 0
        self.accepted = 0
        self.lock = threading.Lock()
        self.thread = threading.Thread(target=self._accept, daemon=True)

    def start(self) -> SilentServer:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.socket.close()

    def _accept(self) -> None:
        while True:
            try:
                connection, _ = self.socket.accept()
            except OSError:
                return
            with self.lock:
                self.accepted += 1
                self.open_now += 1
                self.peak = max(self.peak, self.open_now)
            threading.Thread(target=self._hold, args=(connection,), daemon=True).start()

    def _hold(self, connection: socket.socket) -> None:
        """Say nothing; count the connection closed once the client gives up."""
        with connection:
            try:
                while connection.recv(4096):
                    pass
            except OSError:
                pass
        with self.lock:
            self.open_now -= 1
