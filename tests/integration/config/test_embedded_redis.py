"""The embedded Redis of `make run`: quiet on the console, its log in a file."""

import subprocess

import redis

from config.embedded_redis import server_command
from sandbox.client import wait_for


def test_the_embedded_redis_logs_to_its_file_and_prints_nothing(tmp_path):
    """Its banner and its memory-overcommit warning (about background saves it
    never makes) went to `make run`'s console, a newcomer's first screen."""
    socket_path = tmp_path / "redis.sock"
    process = subprocess.Popen(
        server_command(socket_path, tmp_path), stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    try:
        client = redis.Redis(unix_socket_path=str(socket_path))

        def answers():
            try:
                return client.ping()
            except redis.ConnectionError:
                return False

        wait_for(answers, timeout=10, what="the embedded Redis")
        log = tmp_path / "redis.log"
        wait_for(
            lambda: "ready to accept connections" in log.read_text().lower(),
            timeout=10,
            what="its log file",
        )
    finally:
        process.terminate()
        output, _ = process.communicate(timeout=10)
    assert output == b""
