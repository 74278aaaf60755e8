"""A real instance for tests and benchmarks: its folder set up by the CLI, served by gunicorn."""

from __future__ import annotations

import http.cookiejar
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from contextlib import contextmanager
from html import unescape
from pathlib import Path

BIN = Path(sys.executable).parent
PASSWORD = "correct horse battery staple"


def free_port() -> int:
    """Return a port nobody listens on now (for refused connections; never to serve on)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def listening_socket() -> socket.socket:
    """Return a socket listening on a free port of 127.0.0.1, to hand to a server as it is.

    Choosing a port, closing it and letting the server bind it later is a race other suites
    on the machine can win (gunicorn then fails to start, or the test talks to another
    suite's server); a socket passed by file descriptor (`--bind fd://N`) cannot be taken.
    """
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(128)
    return sock


REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"


class RedisServer:
    """A throwaway Debian `redis-server` on a free port of 127.0.0.1, its files in `root`.

    Nothing is saved to disk: a stopped server starts again empty, as after a lost host.
    """

    def __init__(self, root: Path):
        self.root = root
        self.port = 0
        self.process: subprocess.Popen | None = None

    @staticmethod
    def available() -> bool:
        return os.access(REDIS_SERVER, os.X_OK)

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def client(self):
        import redis

        return redis.Redis(host="127.0.0.1", port=self.port, socket_timeout=10)

    def start(self, timeout: float = 60) -> RedisServer:
        """Start the server, on its former port when it ran before, else on a free one.

        Redis takes no socket by file descriptor: a port another suite takes between the
        choice and the bind makes this server exit, and a new port is tried.
        """
        self.root.mkdir(parents=True, exist_ok=True)
        for _ in range(5):
            port = self.port or free_port()
            log = self.root / f"redis-{port}.log"
            process = subprocess.Popen(
                [REDIS_SERVER, "--bind", "127.0.0.1", "--port", str(port), "--dir", str(self.root),
                 "--save", "", "--appendonly", "no", "--daemonize", "no", "--logfile", str(log)],
                stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT, start_new_session=True)
            deadline = time.monotonic() + timeout
            while process.poll() is None and time.monotonic() < deadline:
                try:
                    with socket.create_connection(("127.0.0.1", port), timeout=2) as conn:
                        conn.sendall(b"PING\r\n")
                        if conn.recv(16).startswith(b"+PONG"):
                            self.port, self.process = port, process
                            return self
                except OSError:
                    time.sleep(0.1)
            self._end(process)
        raise RuntimeError(f"redis-server did not start: {log.read_text()[-2000:] if log.exists() else ''}")

    def stop(self) -> None:
        """Stop the server (its port is kept for a restart)."""
        if self.process is not None:
            self._end(self.process)
            self.process = None

    @staticmethod
    def _end(process: subprocess.Popen) -> None:
        try:
            process.terminate()
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=15)

    def __enter__(self) -> RedisServer:
        return self.start() if self.process is None else self

    def __exit__(self, *exc) -> None:
        self.stop()


class Instance:
    """An instance folder (database, index, secret) prepared through the `flask` CLI."""

    def __init__(self, root: Path, **settings: str):
        self.root = root
        root.mkdir(parents=True, exist_ok=True)
        self.env = {
            **os.environ,
            "CATALOGUE_INSTANCE_PATH": str(root / "instance"),
            "CATALOGUE_SECRET_KEY": "live-test-secret",
            "CATALOGUE_LOG_LEVEL": "WARNING",
            **{f"CATALOGUE_{k}": v for k, v in settings.items()},
        }

    def flask(self, *args: str, check: bool = True, input: str | None = None) -> subprocess.CompletedProcess:
        return subprocess.run([str(BIN / "flask"), "--app", "catalogue", *args], env=self.env,
                              capture_output=True, text=True, check=check, input=input, timeout=300)

    def prepare(self, demo: bool = True, moderator: str = "modo@example.org") -> Instance:
        self.flask("init-db")
        if demo:
            self.flask("load-demo")
        password_file = self.root / "password.txt"
        password_file.write_text(PASSWORD + "\n")
        self.flask("create-user", moderator, "--role", "moderator", "--password-file", str(password_file))
        return self

    @contextmanager
    def gunicorn(self, workers: int = 2, timeout: float = 180):
        """Serve the instance with gunicorn on a free port of 127.0.0.1; yield the base URL.

        `timeout` bounds the start only; on a loaded machine it takes far longer than alone.
        """
        sock = listening_socket()
        port = sock.getsockname()[1]
        log = open(self.root / f"gunicorn-{port}.log", "w")  # noqa: SIM115 - closed below
        process = subprocess.Popen(
            [str(BIN / "gunicorn"), "-c", "python:catalogue.gunicorn_conf",
             "--workers", str(workers), "--bind", f"fd://{sock.fileno()}",
             "--graceful-timeout", "5", "--timeout", "60", "catalogue:create_app()"],
            env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
            pass_fds=(sock.fileno(),))
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + timeout
            while True:
                try:
                    with urllib.request.urlopen(base + "/healthz", timeout=2):
                        break
                except urllib.error.HTTPError:
                    break  # answering, even if degraded
                except OSError:
                    if process.poll() is not None or time.monotonic() > deadline:
                        output = Path(log.name).read_text()[-2000:]
                        raise RuntimeError(f"gunicorn did not start: {output}") from None
                    time.sleep(0.2)
            self.gunicorn_pid = process.pid
            yield base
        finally:
            try:
                os.killpg(process.pid, signal.SIGTERM)
                process.wait(timeout=15)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=15)
            log.close()
            sock.close()


def worker_pids(master_pid: int) -> list[int]:
    """Return the pids of a gunicorn master's workers."""
    out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(master_pid)],
                         capture_output=True, text=True, check=False).stdout
    return [int(p) for p in out.split()]


class Browser:
    """A cookie-keeping HTTP client that fills forms the way a person's browser would (CSRF)."""

    def __init__(self, base: str, headers: dict[str, str] | None = None):
        self.base = base
        self.headers = headers or {}  # sent with every request (e.g. X-Forwarded-For)
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), NoRedirect())

    def request(self, method: str, path: str, data: dict | list | None = None,
                timeout: float = 30) -> tuple[int, str, dict]:
        body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
        request = urllib.request.Request(self.base + path, data=body, method=method,
                                         headers=self.headers)
        try:
            with self.opener.open(request, timeout=timeout) as response:
                return response.status, response.read().decode(), dict(response.headers)
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(), dict(error.headers)

    def get(self, path: str, **kw):
        return self.request("GET", path, **kw)

    def post_form(self, page: str, action: str, data: dict, **kw):
        """Open a page, take its CSRF token, post the data to the action."""
        _, html, _ = self.get(page)
        token = csrf_token(html)
        return self.request("POST", action, {**data, "csrf_token": token}, **kw)

    def login(self, email: str = "modo@example.org", password: str = PASSWORD) -> None:
        status, _, _ = self.post_form("/connexion", "/connexion", {"email": email, "password": password})
        assert status == 302, f"login failed: {status}"


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def csrf_token(html: str) -> str:
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html) or re.search(
        r'value="([^"]+)"[^>]*name="csrf_token"', html)
    assert match, "no CSRF token in the page"
    return unescape(match.group(1))


def version_of(html: str) -> str:
    match = re.search(r'name="version"[^>]*value="(\d+)"', html) or re.search(
        r'value="(\d+)"[^>]*name="version"', html)
    assert match, "no version field in the page"
    return match.group(1)
