"""The bot token never reaches stdout, stderr or the logs, in any form."""

from __future__ import annotations

import contextlib
import json
import logging
import os
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import quote

import pytest
from cli_run import CliRun

from articlebot.bot.app import TokenRedactor
from articlebot.masking import token_pattern

TOKEN = "987654:SECRET-token_XYZ"
SECRET = TOKEN.split(":")[1]


def _forms(token: str) -> list[str]:
    """The token as a log line might hold it."""
    return [
        token,
        token.split(":")[1],
        token.replace(":", "%3A"),
        token.replace(":", "%3a"),
        token.replace(":", "%253A"),
        quote(token, safe=""),
        "".join(f"%{ord(c):02X}" for c in token),
    ]


class _EchoingErrorPage(BaseHTTPRequestHandler):
    """A broken proxy in front of the Bot API: 502 with an HTML page echoing the path."""

    def _error(self) -> tuple[int, str, bytes]:
        """The status, content type and body answered to every request."""
        body = (
            f"<html><title>502 Bad Gateway</title><body>upstream failed for {self.path} "
            f"({quote(self.path, safe='')}, {self.path.replace(':', '%3a')})</body></html>"
        )
        return 502, "text/html", body.encode()

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        status, content_type, body = self._error()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = _answer

    def log_message(self, *args: object) -> None:
        pass


@contextlib.contextmanager
def _serving(handler: type[BaseHTTPRequestHandler]) -> Iterator[str]:
    """`handler` answering on loopback, by its base URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def error_page() -> Iterator[str]:
    with _serving(_EchoingErrorPage) as url:
        yield url


def _articlebot(api_url: str, tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """`articlebot ARGS` in a process of its own, with the token and `api_url` as its Bot
    API (and a webhook secret, which `webhook set` asks for)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ARTICLEBOT_", "TELEGRAM_"))}
    env.update(
        TELEGRAM_BOT_TOKEN=TOKEN,
        ARTICLEBOT_API_URL=api_url,
        ARTICLEBOT_INDEX_DIR=str(tmp_path / "index"),
        ARTICLEBOT_WEBHOOK_SECRET="a-webhook-secret-of-enough-length",
    )
    return subprocess.run(
        [sys.executable, "-m", "articlebot", *args],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_run_against_an_error_page_echoing_the_path_never_prints_the_token(
    error_page: str, tmp_path: Path
) -> None:
    for flags in ([], ["-vv"]):
        result = _articlebot(error_page, tmp_path, "run", *flags)
        assert result.returncode == 1
        output = result.stdout + result.stderr
        assert "articlebot: error:" in result.stderr.strip().splitlines()[-1]
        for form in _forms(TOKEN):
            assert form.lower() not in output.lower(), (form, output[-2000:])
        # The page (which echoed the path) is not quoted at all: PTB's words for it are.
        assert "(Bad Gateway (502): not a Bot API reply)" in result.stderr


class _EchoingApiError(_EchoingErrorPage):
    """A Bot API server whose error quotes the request's path, encoded, and the secret alone,
    in lower case."""

    def _error(self) -> tuple[int, str, bytes]:
        description = f"Conflict: for {quote(self.path)} (secret {SECRET.lower()})"
        body = json.dumps({"ok": False, "error_code": 409, "description": description})
        return 409, "application/json", body.encode()


@pytest.mark.parametrize("handler", [_EchoingErrorPage, _EchoingApiError])
def test_webhook_commands_against_a_server_echoing_the_token_never_print_it(
    handler: type[BaseHTTPRequestHandler], tmp_path: Path
) -> None:
    # `webhook info` replaced the token only as written: "Conflict: for /bot987654%3ASECRET..."
    with _serving(handler) as url:
        for command in (["info"], ["delete"], ["set", "https://bot.example.org/hook"]):
            result = _articlebot(url, tmp_path, "webhook", *command)
            assert result.returncode == 1, result.stderr
            output = result.stdout + result.stderr
            assert output.startswith("articlebot: error: ") and output.count("\n") == 1
            for form in _forms(TOKEN):
                assert form.lower() not in output.lower(), (command, form, output)


def test_redactor_masks_tracebacks_stack_info_and_encoded_forms() -> None:
    redactor = TokenRedactor(TOKEN)
    try:
        raise RuntimeError(f"POST http://x/bot{quote(TOKEN, safe='')}/getMe failed")
    except RuntimeError:
        record = logging.LogRecord(
            "t",
            logging.ERROR,
            __file__,
            1,
            "calling %s",
            (f"http://x/bot{TOKEN.replace(':', '%3a')}/getMe",),
            sys.exc_info(),
        )
    record.stack_info = f"Stack (most recent call last):\n  url = '/bot{TOKEN}/getMe'"
    assert redactor.filter(record)
    formatted = logging.Formatter().format(record)
    assert "RuntimeError" in formatted and "Stack" in formatted
    for form in _forms(TOKEN):
        assert form.lower() not in formatted.lower(), form
    assert formatted.count("<redacted-token>") == 3
    assert token_pattern(TOKEN).sub("", "nothing secret here") == "nothing secret here"


def test_a_malformed_log_call_is_masked_too() -> None:
    redactor = TokenRedactor(TOKEN)
    record = logging.LogRecord("t", logging.ERROR, __file__, 1, "%d %s", (TOKEN,), None)
    assert redactor.filter(record)
    assert TOKEN not in record.getMessage() and SECRET not in record.getMessage()


def test_a_token_with_a_short_secret_masks_the_token_not_every_word() -> None:
    # An attacker's probe: "5:t" masked every "t" ("ar<redacted-token>iclebo<redacted-token>:
    # error: canno<redacted-token> reach"), the marker's own "t" included.
    redactor = TokenRedactor("5:t")
    line = "articlebot: error: cannot reach the Bot API at https://api.telegram.org/bot5:t/getMe"
    assert redactor.redact(line) == line.replace("5:t", "<redacted-token>")
    assert redactor.redact("bot5%3At/getMe") == "bot<redacted-token>/getMe"
    # A real token's secret is long: it is still masked alone.
    assert SECRET not in TokenRedactor(TOKEN).redact(f"token={SECRET}")


#: A token as @BotFather gives it (its secret is 35 characters).
_BOTFATHER_TOKEN = "123456789:AAHsecretTOKENvalue_abcdefghijklmnopqrs"


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("ARTICLEBOT_ADMIN_IDS", f"42,{_BOTFATHER_TOKEN}"),
        ("ARTICLEBOT_ALLOWED_CHATS", f"-1001,{_BOTFATHER_TOKEN}"),
        ("ARTICLEBOT_RATE_LIMIT", _BOTFATHER_TOKEN),
        ("ARTICLEBOT_CHANNELS", f"@carricknews,{_BOTFATHER_TOKEN}"),
        # Long enough that the error quotes only its start, which held half the token.
        ("ARTICLEBOT_ADMIN_IDS", ",".join(["1234567"] * 6 + [_BOTFATHER_TOKEN])),
    ],
)
@pytest.mark.parametrize("command", ["list", "run"])
def test_a_token_pasted_into_another_setting_is_masked_in_its_error(
    cli: Callable[..., CliRun], tmp_path: Path, variable: str, value: str, command: str
) -> None:
    # An attacker's finding: the token pasted on the wrong line of .env was printed in full,
    # "(got '42,123456789:AAH...')", by every command, into service journals and CI logs.
    (tmp_path / ".env").write_text(f"{variable}={value}\n", encoding="utf-8")
    for env in ({"TELEGRAM_BOT_TOKEN": _BOTFATHER_TOKEN}, {}):
        result = cli(command, index_dir=tmp_path / "index", **env)
        assert result.returncode == 2
        assert result.stderr.startswith(f"articlebot: error: {variable} (in .env) must be")
        assert "<redacted-to" in result.stderr  # clipped where the value is long
        secret = _BOTFATHER_TOKEN.split(":")[1]
        for piece in (secret[:8], secret[-8:]):
            assert piece not in result.stderr + result.stdout + result.log


def test_the_configured_token_is_masked_in_a_setting_error_whatever_its_shape(
    cli: Callable[..., CliRun], tmp_path: Path
) -> None:
    # A token of another shape (a test server's) is masked as the one set.
    result = cli(
        "list",
        index_dir=tmp_path / "index",
        TELEGRAM_BOT_TOKEN="77:short-SECRET1",
        ARTICLEBOT_ADMIN_IDS="1,77:short-SECRET1",
    )
    assert result.returncode == 2
    assert result.stderr == (
        "articlebot: error: ARTICLEBOT_ADMIN_IDS must be a comma-separated list of whole"
        " numbers (got '1,<redacted-token>')\n"
    )


def test_another_bots_token_in_a_url_is_masked_with_its_colon_encoded_too() -> None:
    # A verifier's probe: "http://127.0.0.1:9/bot987654%3AZYX.../" was printed whole.
    from articlebot.masking import masked_url, without_tokens

    secret = "ZYXwvutsrqponmlkjihgfedcba0123456789"
    for url in (
        f"http://127.0.0.1:9/bot987654:{secret}/",
        f"http://127.0.0.1:9/bot987654%3A{secret}/",
    ):
        assert masked_url(url) == "http://127.0.0.1:9/bot<redacted-token>/"
        assert secret not in without_tokens(f"webhook set to {url}")
