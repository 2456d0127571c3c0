"""Settings: cheap to import, and the test session never sees the developer's own."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import articlebot

_ROOT = Path(articlebot.__file__).resolve().parent.parent
#: Settings a developer might have left in their shell and in a .env file in the folder.
_STRAY_ENV = {"ARTICLEBOT_TOP_K": "1", "TELEGRAM_BOT_TOKEN": "123:stray"}
_STRAY_DOTENV = "ARTICLEBOT_MIN_CONFIDENCE=0.99\nARTICLEBOT_MAX_QUESTION_CHARS=20\n"


def _python(code: str, **kwargs: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=300, **kwargs
    )


def _articlebot_list(folder: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """`articlebot list` run in `folder` (where its .env is) with `env`."""
    return subprocess.run(
        [sys.executable, "-m", "articlebot", "list"],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_importing_the_settings_loads_neither_numpy_nor_the_retriever() -> None:
    code = (
        "import json, sys; import articlebot.config; "
        "print(json.dumps(sorted(m for m in sys.modules if m.startswith(('numpy', 'articlebot')))))"
    )
    result = _python(code)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == ["articlebot", "articlebot.config"]


def test_stray_settings_in_the_environment_or_dotenv_do_not_reach_the_tests(
    tmp_path: Path,
) -> None:
    (tmp_path / ".env").write_text(_STRAY_DOTENV, encoding="utf-8")
    env = {**os.environ, **_STRAY_ENV}
    # The stray settings are real: a plain process in that folder picks them all up ...
    seen = _python(
        "from articlebot.config import load_settings; s = load_settings(); "
        "print(s.top_k, s.min_confidence, s.max_question_chars, s.telegram_bot_token is None)",
        env=env,
        cwd=tmp_path,
    )
    assert seen.stdout.split() == ["1", "0.99", "20", "False"], seen.stderr
    # ... and a test session started there sees the defaults, loading no torch for unit tests.
    session = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            # One process: two xdist workers would each load the conftest for six quick tests.
            "-n",
            "0",
            "-p",
            "no:cacheprovider",
            "-c",
            str(_ROOT / "pyproject.toml"),
            "--rootdir",
            str(_ROOT),
            str(_ROOT / "tests" / "test_chunking.py"),
            str(_ROOT / "tests" / "isolation_probe.py"),
        ],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert session.returncode == 0, session.stdout + session.stderr
    # Every test ran (the chunking tests and the probe), none skipped for want of a setting.
    assert re.search(r"^\d+ passed in", session.stdout, re.M), session.stdout


def test_a_bad_dotenv_line_is_reported_once(tmp_path: Path) -> None:
    # A new user's probe: python-dotenv's warning about the same line came twice per `ask`,
    # as a command reads its settings more than once.
    (tmp_path / ".env").write_text("ARTICLEBOT_TOP_K=2\nthis is not a setting\n", encoding="utf-8")
    seen = _python(
        "import logging; logging.basicConfig(); from articlebot.config import load_settings; "
        "print(load_settings().top_k, load_settings().top_k)",
        cwd=tmp_path,
    )
    assert seen.stdout.split() == ["2", "2"], seen.stderr
    assert seen.stderr.count("could not parse statement starting at line 2") == 1, seen.stderr
    assert f"{tmp_path / '.env'}: python-dotenv could not parse" in seen.stderr  # names the file


def test_a_dotenv_line_of_ours_that_cannot_be_read_stops_the_command(tmp_path: Path) -> None:
    # A CLI attacker's probe: ARTICLEBOT_DATABASE_URL with its closing quote missing was
    # skipped with a warning, and `add` wrote to the index folder instead of the database.
    (tmp_path / ".env").write_text(
        'ARTICLEBOT_TOP_K=2\nARTICLEBOT_DATABASE_URL="postgresql://u:s3cret@db/news\n',
        encoding="utf-8",
    )
    result = _articlebot_list(tmp_path, {**os.environ, "ARTICLEBOT_INDEX_DIR": str(tmp_path / "i")})
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert f"{tmp_path / '.env'} line 2: ARTICLEBOT_DATABASE_URL cannot be read" in result.stderr
    assert "s3cret" not in result.stderr and not (tmp_path / "i").exists()
    # Written without "=", the line's name alone is said, not its value (a verifier's probe).
    (tmp_path / ".env").write_text("ARTICLEBOT_DATABASE_URL: postgresql://u:s3cret@db/news\n")
    result = _articlebot_list(tmp_path, {**os.environ, "ARTICLEBOT_INDEX_DIR": str(tmp_path / "i")})
    assert "line 1: ARTICLEBOT_DATABASE_URL cannot be read" in result.stderr
    assert "s3cret" not in result.stderr


def test_a_dotenv_that_is_not_utf8_is_one_line(tmp_path: Path) -> None:
    # An attacker's probe: a byte like 0xff in .env gave python-dotenv's UnicodeDecodeError
    # traceback for every command.
    (tmp_path / ".env").write_bytes(b"ARTICLEBOT_TOP_K=2\n\xff\xfe bad\n")
    result = _articlebot_list(tmp_path, {**os.environ, "ARTICLEBOT_INDEX_DIR": str(tmp_path / "i")})
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines() == [
        f"articlebot: error: .env in {tmp_path} is not UTF-8 text (byte 0xff at 19);"
        " re-save it as UTF-8"
    ]


def test_a_misspelled_setting_is_named_with_the_one_meant(tmp_path: Path) -> None:
    # A new user's probe: ARTICLEBOT_TOPK=2 in .env was ignored without a word, and the answers
    # came with the default 3 passages.
    (tmp_path / ".env").write_text("ARTICLEBOT_TOPK=2\nARTICLEBOT_TOP_K=2\n", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("ARTICLEBOT_")}
    env |= {"ARTICLEBOT_INDEX_DIR": str(tmp_path / "none"), "ARTICLEBOT_min_confidnce": "0.5"}
    env |= {"ARTICLEBOT_TOKEN": "1:x", "articlebot_topk": "2"}  # the latter said once, in .env
    env["ARTICLEBOT_SETUP_NO_UV"] = "1"  # the setup script's, not a setting: not named
    result = _articlebot_list(tmp_path, env)
    assert result.stderr.splitlines()[:3] == [
        "articlebot: warning: ARTICLEBOT_TOKEN (in the environment) is not a setting and is"
        " ignored: did you mean TELEGRAM_BOT_TOKEN?",
        "articlebot: warning: ARTICLEBOT_TOPK (in .env) is not a setting and is ignored:"
        " did you mean ARTICLEBOT_TOP_K?",
        "articlebot: warning: ARTICLEBOT_min_confidnce (in the environment) is not a setting"
        " and is ignored: did you mean ARTICLEBOT_MIN_CONFIDENCE?",
    ]
    assert len(result.stderr.splitlines()) == 4  # and the command's own line


def _without_settings(tmp_path: Path) -> dict[str, str]:
    """The environment without ARTICLEBOT_ settings, its index folder in `tmp_path`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("ARTICLEBOT_")}
    return env | {"ARTICLEBOT_INDEX_DIR": str(tmp_path / "none")}


def test_a_bad_value_in_dotenv_is_said_to_be_there(tmp_path: Path) -> None:
    # A new operator's finding: ARTICLEBOT_RATE_LIMIT=abc in .env was said as if it were in
    # the environment (an unknown setting is said "(in .env)").
    env = _without_settings(tmp_path)
    (tmp_path / ".env").write_text("ARTICLEBOT_RATE_LIMIT=abc\n", encoding="utf-8")
    result = _articlebot_list(tmp_path, env)
    assert result.stderr.splitlines() == [
        "articlebot: error: ARTICLEBOT_RATE_LIMIT (in .env) must be a whole number, 0 or more"
        " (got 'abc')"
    ]
    # The environment's value wins over the file's, and is said as before.
    result = _articlebot_list(tmp_path, env | {"ARTICLEBOT_RATE_LIMIT": "x"})
    assert result.stderr.splitlines() == [
        "articlebot: error: ARTICLEBOT_RATE_LIMIT must be a whole number, 0 or more (got 'x')"
    ]


def test_a_host_allowed_with_its_port_is_told_to_leave_it_off(tmp_path: Path) -> None:
    # A new operator's finding: ARTICLEBOT_FETCH_ALLOW_HOSTS=127.0.0.1:8765 was refused without
    # a hint; "[::1]:8765" was read as the address ::1:8765, another host, without a word.
    env = _without_settings(tmp_path)
    for given, host in (("127.0.0.1:8765", "127.0.0.1"), ("[::1]:8765", "::1")):
        result = _articlebot_list(tmp_path, env | {"ARTICLEBOT_FETCH_ALLOW_HOSTS": given})
        assert result.stderr.splitlines() == [
            "articlebot: error: ARTICLEBOT_FETCH_ALLOW_HOSTS must be host names, IPs or CIDR"
            f" networks separated by commas (got {given!r}); give the host without its port"
            f" ({host}): every port of an allowed host may be fetched from"
        ]


def test_lists_of_ids_channels_and_hosts_are_read_as_meant() -> None:
    from articlebot.config import load_settings

    settings = load_settings(
        admin_ids="123, 456",
        allowed_chats="[-100123]",
        # A channel's link as Telegram shares it is its @username: kept as typed, it named no
        # channel and the channel's posts were never indexed.
        channels="https://t.me/carricknews, @harbour_news,-1001234567890, t.me/quaysidepost/",
        fetch_allow_hosts="intranet, 10.0.0.0/8, wiki.corp.example, fd00::/8",
    )
    assert settings.admin_ids == [123, 456] and settings.allowed_chats == [-100123]
    assert settings.channels == ["@carricknews", "@harbour_news", "-1001234567890", "@quaysidepost"]
    assert settings.fetch_allow_hosts == [
        "intranet",
        "10.0.0.0/8",
        "wiki.corp.example",
        "fd00::/8",
    ]
    assert load_settings(admin_ids='[123, "456"]').admin_ids == [123, 456]
    # An IPv6 address as a URL writes it is no JSON list ("Expecting value", a verifier's find).
    assert load_settings(fetch_allow_hosts="[::1]").fetch_allow_hosts == ["[::1]"]
    assert load_settings(fetch_allow_hosts="[2001:db8::1], intranet").fetch_allow_hosts == [
        "[2001:db8::1]",
        "intranet",
    ]
    assert load_settings(fetch_allow_hosts='["a.example"]').fetch_allow_hosts == ["a.example"]
