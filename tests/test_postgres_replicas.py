"""Two bot replicas and the CLI on one PostgreSQL database: chat state set through one replica
applies to the other, an article added by the CLI is answered by both within seconds, and the
webhook is registered once with the shared secret."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from botkit import ask_privately, launch_polling, shut_down
from cli_run import CliRun
from fake_botapi import FakeBotApi

from articlebot.bot.app import build_application
from articlebot.collection import make_retriever, open_chat_state, open_index
from articlebot.config import load_settings

pytest_plugins = ["postgres", "botkit"]
# Commands run in this process reuse the session's encoder (see conftest.shared_model).
pytestmark = pytest.mark.usefixtures("shared_model")

Cli = Callable[..., CliRun]

LIGHTHOUSE = (
    "Harbour lighthouse restored\n\n"
    "The old harbour lighthouse at Pennick Point was restored by volunteers this summer. "
    "Its lamp was relit on 14 August after forty years of darkness.\n\n"
    "The restoration cost 120,000 pounds, raised by the Pennick Lighthouse Trust."
)
SWAP = "Who was Vinatier swapped for?"
LAMP = "When was the Pennick Point lighthouse lamp relit?"


@pytest.mark.asyncio
async def test_two_replicas_share_chat_state_and_serve_what_the_cli_adds(
    database_url: str, encoder, index_dir: Path, tmp_path: Path, cli: Cli
) -> None:
    from postgres import index_bundled_article

    await asyncio.to_thread(index_bundled_article, database_url, encoder)
    apis = [FakeBotApi().start(), FakeBotApi().start()]
    apps = []
    try:
        for api in apis:
            replica = load_settings(
                api_url=api.url, database_url=database_url, index_dir=tmp_path / "unused"
            )
            retriever = make_retriever(replica, open_index(replica, encoder), encoder)
            app = build_application(replica, api.token, retriever, open_chat_state(replica))
            await launch_polling(app)
            apps.append(app)
        one, two = apis
        chat = 4242
        assert "Kasatkin" in await ask_privately(two, chat, SWAP)

        article = tmp_path / "lighthouse.txt"
        article.write_text(LIGHTHOUSE, encoding="utf-8")
        added = await asyncio.to_thread(
            cli, "add", str(article), "--database-url", database_url, index_dir=index_dir
        )
        assert added.returncode == 0, added.stderr
        start = time.monotonic()
        for api in apis:
            while "14 August" not in await ask_privately(api, chat + 1, LAMP):
                assert time.monotonic() - start < 5, "the added article was not served in 5 s"
                await asyncio.sleep(0.5)

        # /use through one replica scopes the chat's questions on the other.
        await ask_privately(one, chat, "/use lighthouse")
        scoped = await ask_privately(two, chat, SWAP)
        assert "Kasatkin" not in scoped
        await ask_privately(one, chat, "/use all")
        assert "Kasatkin" in await ask_privately(two, chat, SWAP)
    finally:
        for app in apps:
            await shut_down(app)
            app.bot_data.chats.close()
            app.bot_data.retriever.index.close()
        for api in apis:
            api.stop()


def test_webhook_is_registered_once_with_the_shared_secret(cli: Cli, index_dir: Path) -> None:
    with FakeBotApi() as api:
        env = {"TELEGRAM_BOT_TOKEN": api.token}
        url = "https://bot.example.org/hook"
        refused = cli("webhook", "set", url, "--api-url", api.url, index_dir=index_dir, **env)
        assert refused.returncode == 2 and "ARTICLEBOT_WEBHOOK_SECRET" in refused.stderr
        # Said before Telegram is reached (a new user off the network was told "cannot reach
        # the Bot API" first).
        assert api.webhook is None and api.calls == []
        done = cli(
            "webhook",
            "set",
            url,
            "--api-url",
            api.url,
            index_dir=index_dir,
            ARTICLEBOT_WEBHOOK_SECRET="shared-s3cret",
            **env,
        )
        assert done.returncode == 0, done.stderr
        assert api.webhook is not None
        assert (api.webhook["url"], api.webhook["secret_token"]) == (url, "shared-s3cret")
        info = cli("webhook", "info", "--api-url", api.url, index_dir=index_dir, **env)
        assert f"url: {url}" in info.stdout
        deleted = cli("webhook", "delete", "--api-url", api.url, index_dir=index_dir, **env)
        assert deleted.returncode == 0 and api.webhook is None
        # A path made of the token (a common convention) is masked when set, as `info` masks
        # it (an attacker's probe: `set` printed the token).
        by_token = f"https://bot.example.org/{api.token}"
        done = cli(
            "webhook",
            "set",
            by_token,
            "--api-url",
            api.url,
            index_dir=index_dir,
            ARTICLEBOT_WEBHOOK_SECRET="shared-s3cret",
            **env,
        )
        assert done.returncode == 0 and api.webhook["url"] == by_token
        assert done.stdout == "webhook set to https://bot.example.org/<redacted-token>\n"
        # Nor when the URL is refused (a verifier's probe: "http://... is not https://").
        for refused_url in (f"http://bot.example.org/{api.token}", f"{by_token} x"):
            for command in (["webhook", "set", refused_url], ["run", "--webhook", refused_url]):
                refused = cli(
                    *command,  # to Telegram itself: https only
                    index_dir=index_dir,
                    ARTICLEBOT_WEBHOOK_SECRET="shared-s3cret",
                    **env,
                )
                assert refused.returncode == 2, refused.stderr
                assert "<redacted-token>" in refused.stderr
                assert api.token.split(":")[1] not in refused.stderr
        cli("webhook", "delete", "--api-url", api.url, index_dir=index_dir, **env)
        # A new user's probe: a plain http URL had been sent to Telegram, which refuses it (a
        # self-hosted Bot API server, --api-url, calls it), and a server answering
        # getWebhookInfo with `true` gave a traceback.
        plain = cli(
            "webhook",
            "set",
            "http://bot.example.org/hook",
            index_dir=index_dir,
            ARTICLEBOT_WEBHOOK_SECRET="shared-s3cret",
            **env,
        )
        assert (
            plain.returncode == 2 and "HTTPS only" in plain.stderr and "--api-url" in plain.stderr
        )
        assert api.webhook is None and len(api.calls_to("setWebhook")) == 2  # those above
        own_server = cli(
            "webhook",
            "set",
            "http://10.0.0.5:8443/hook",
            "--api-url",
            api.url,
            index_dir=index_dir,
            ARTICLEBOT_WEBHOOK_SECRET="shared-s3cret",
            **env,
        )
        assert own_server.returncode == 0, own_server.stderr
        assert api.webhook is not None and api.webhook["url"] == "http://10.0.0.5:8443/hook"
        shape = cli(
            "webhook",
            "info",
            "--api-url",
            api.url,
            index_dir=index_dir,
            TELEGRAM_BOT_TOKEN="not a token",
        )
        assert shape.returncode == 2 and "is not a bot token" in shape.stderr
        hidden = cli(
            "webhook",
            "info",
            "--api-url",
            "http://bot:s3cret-pw@127.0.0.1:9",
            index_dir=index_dir,
            **env,
        )
        assert hidden.returncode == 1 and "s3cret-pw" not in hidden.stdout + hidden.stderr
        assert "http://bot:***@127.0.0.1:9" in hidden.stderr
        api.inject("getWebhookInfo", status=200, result=True)
        odd = cli("webhook", "info", "--api-url", api.url, index_dir=index_dir, **env)
        assert odd.returncode == 1 and "Traceback" not in odd.stderr
        assert (
            odd.stderr.strip() == f"articlebot: error: {api.url} did not answer as the Bot API does"
        )


def test_run_with_a_webhook_needs_the_shared_secret(cli: Cli, index_dir: Path) -> None:
    result = cli(
        "run",
        "--webhook",
        "https://bot.example.org/hook",
        index_dir=index_dir,
        TELEGRAM_BOT_TOKEN="123:abc",
    )
    assert result.returncode == 2 and "ARTICLEBOT_WEBHOOK_SECRET" in result.stderr
    # What Telegram would never call is said first, and a URL without its scheme at once.
    plain = cli(
        "run",
        "--webhook",
        "http://bot.example.org/hook",
        index_dir=index_dir,
        TELEGRAM_BOT_TOKEN="1:a",
    )
    assert plain.returncode == 2 and "over HTTPS only" in plain.stderr
    secret = cli("run", "--webhook", "http://bot:s3cret-pw@example.org/h", index_dir=index_dir)
    assert secret.returncode == 2 and "s3cret-pw" not in secret.stderr
    # A URL Telegram could not call is said before anything is sent (a helper's probe).
    for url in ("https://bot.example.org:99999/hook", "https://bot example.org/hook"):
        bad = cli("run", "--webhook", url, index_dir=index_dir, TELEGRAM_BOT_TOKEN="1:a")
        assert bad.returncode == 2 and bad.stderr == (
            f"articlebot: error: the webhook URL {url!r} is not a valid URL\n"
        )
    assert "ARTICLEBOT_WEBHOOK_SECRET" not in plain.stderr
    bare = cli("run", "--webhook", "bot.example.org/hook", index_dir=index_dir)
    assert bare.returncode == 2
    assert bare.stderr == (
        "articlebot: error: --webhook must be the https:// URL Telegram is to call "
        "(got 'bot.example.org/hook')\n"
    )
    no_scheme = cli("run", "--api-url", "127.0.0.1:8081", index_dir=index_dir)
    assert no_scheme.returncode == 2 and no_scheme.stderr == (
        "articlebot: error: --api-url must be the Bot API server's http:// or https:// URL "
        "(got '127.0.0.1:8081')\n"
    )
    secret = cli("run", index_dir=index_dir, ARTICLEBOT_API_URL="bot:pw@127.0.0.1:8081")
    assert secret.returncode == 2 and "ARTICLEBOT_API_URL must be" in secret.stderr
    assert "pw" not in secret.stderr
