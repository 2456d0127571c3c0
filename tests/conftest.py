"""Shared fixtures: the real bundled model, exported and loaded once per test session, and a
session that neither reads nor writes the developer's settings, .env or cache."""

from __future__ import annotations

import dataclasses
import io
import logging
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator, Mapping
from importlib import metadata
from pathlib import Path
from typing import Any

import pytest
from cli_run import CliRun
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from model_export import kept_export

from articlebot.collection import make_retriever, update_index
from articlebot.config import Settings, load_settings, prepare_process
from articlebot.encoders import Encoder, OnnxEncoder, WordPieceCounter, encoder_cache_dir
from articlebot.encoders.onnx_cache import export_is_current
from articlebot.evaluation import CachingEncoder
from articlebot.ingest.documents import bundled_article_path, read_documents
from articlebot.retrieval.retriever import Retriever
from articlebot.storage.local_index import IndexData

# The same process-wide defaults the command line sets before anything heavy loads.
prepare_process()

# Property tests: a quick search by default; HYPOTHESIS_PROFILE=long for the full one. How
# fast inputs are drawn is no property of articlebot: on a machine shared with other test
# workers, drawing 384-wide vectors tripped the too-slow health check.
_UNHURRIED = [HealthCheck.too_slow]
hypothesis_settings.register_profile("quick", max_examples=200, suppress_health_check=_UNHURRIED)
hypothesis_settings.register_profile("long", max_examples=2000, suppress_health_check=_UNHURRIED)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "quick"))


def settings_variables(environ: Mapping[str, str]) -> list[str]:
    """The variables in `environ` that `load_settings` would read (names match any case)."""
    names = {f"ARTICLEBOT_{field}".upper() for field in Settings.model_fields}
    names |= {"TELEGRAM_BOT_TOKEN"}
    return [key for key in environ if key.upper() in names]


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """With xdist, tests that share a server, a costly model (the torch reference, the int8
    export) or a module's fixture run in one worker (`--dist loadgroup`), so it is made once.
    First: xdist's own hook reads these marks into the test ids, and would run before it."""
    for item in items:
        fixtures = getattr(item, "fixturenames", ())
        # A "postgres" parameter (a backend, a store) reaches the server through
        # request.getfixturevalue, which the fixture names do not show.
        params = getattr(getattr(item, "callspec", None), "params", {})
        if "postgres_server" in fixtures or any(v == "postgres" for v in params.values()):
            item.add_marker(pytest.mark.xdist_group("postgres"))
        elif {"reference_encoder", "int8_export"} & set(fixtures):
            item.add_marker(pytest.mark.xdist_group("costly-models"))
        elif _has_module_fixture(item):
            item.add_marker(pytest.mark.xdist_group(item.module.__name__))


def pytest_configure(config: pytest.Config) -> None:
    """Stop at once, rather than quietly doing every shared set-up in each worker, with a
    pytest whose node ids pytest-xdist cannot tag with their group (pytest-xdist#1386)."""
    workers = config.getoption("numprocesses", None)
    grouping = config.getoption("dist", "no") == "loadgroup" and workers not in (None, 0)
    if grouping and _version("pytest") >= (9, 2):
        raise pytest.UsageError(
            f"pytest {pytest.__version__} breaks pytest-xdist's --dist loadgroup "
            "(pytest-xdist#1386): run ./scripts/setup.sh to install the pinned pytest"
        )


def pytest_xdist_auto_num_workers(config: pytest.Config) -> int | None:
    """`-n auto`: one worker more than the cores this process may use, so that while one test
    waits on a server, a child process or a retry, the cores still run the others (on 2 cores:
    3 workers, ~15% less time than 2). PYTEST_XDIST_AUTO_NUM_WORKERS overrides it."""
    if os.environ.get("PYTEST_XDIST_AUTO_NUM_WORKERS"):
        return None  # pytest-xdist's own hook reads it
    if hasattr(os, "sched_getaffinity"):  # Linux: the cores this process may run on
        return len(os.sched_getaffinity(0)) + 1
    return (os.cpu_count() or 1) + 1


def _version(package: str) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", metadata.version(package))[:2])


def _has_module_fixture(item: pytest.Item) -> bool:
    info = getattr(item, "_fixtureinfo", None)
    if info is None:
        return False
    return any(
        defs[-1].scope == "module"
        for name in info.names_closure
        if (defs := info.name2fixturedefs.get(name))
    )


@pytest.fixture(scope="session", autouse=True)
def clean_environment(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """No ARTICLEBOT_* setting or TELEGRAM_BOT_TOKEN from the developer's shell, and a working
    folder without their .env: tests see the defaults, as a fresh user would. Knobs for the
    tests themselves (ARTICLEBOT_SOAK_SECONDS) are not settings and stay."""
    saved = dict(os.environ)
    for key in settings_variables(os.environ):
        del os.environ[key]
    before = Path.cwd()
    workdir = tmp_path_factory.mktemp("cwd")
    os.chdir(workdir)
    yield workdir
    os.chdir(before)
    os.environ.clear()
    os.environ.update(saved)


@pytest.fixture(scope="session", autouse=True)
def user_cache(clean_environment: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The user's cache (model exports, chat history) in a session folder, never the real one:
    set for this process and, through XDG_CACHE_HOME, for every command a test runs."""
    base = tmp_path_factory.mktemp("xdg-cache")
    os.environ["XDG_CACHE_HOME"] = str(base)
    os.environ["ARTICLEBOT_CACHE_DIR"] = str(base / "articlebot")
    return base / "articlebot"


@pytest.fixture(scope="session")
def model_location() -> str:
    """The bundled model's local folder."""
    return load_settings().model_location()


@pytest.fixture(scope="session")
def count_tokens(model_location: str) -> WordPieceCounter:
    """The bundled model's word-piece counter, from its tokenizer alone (no export, no torch)."""
    return WordPieceCounter(Path(model_location) / "tokenizer.json")


@pytest.fixture(scope="session")
def export_dir(tmp_path_factory: pytest.TempPathFactory, model_location: str) -> Path:
    """One ONNX export of the bundled model for the whole session: a copy of the one
    scripts/setup.sh keeps (tests/model_export.py) when that is current, else of one made for
    this run."""
    target = tmp_path_factory.mktemp("onnx") / "export"
    source = kept_export(model_location) or _run_export(tmp_path_factory, model_location)
    shutil.copytree(source, target)  # a copy: some tests add files to it (the int8 model)
    return target


def _run_export(tmp_path_factory: pytest.TempPathFactory, model_location: str) -> Path:
    """An export made once for the run, whichever of its xdist workers asks first (the others
    wait on the export's own lock and find it made), in a child process: exporting needs
    torch, which only the tests comparing with sentence-transformers load."""
    base = tmp_path_factory.getbasetemp()
    run = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base
    folder = run / "onnx-export"
    if not export_is_current(model_location, folder):
        script = (
            "import sys; from articlebot.encoders import ensure_onnx_export; "
            "ensure_onnx_export(sys.argv[1], sys.argv[2])"
        )
        result = subprocess.run(
            [sys.executable, "-c", script, model_location, str(folder)],
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert result.returncode == 0, result.stderr
    return folder


@pytest.fixture(scope="session")
def encoder(export_dir: Path) -> Encoder:
    """all-MiniLM-L6-v2 as articlebot runs it: the ONNX export, no torch; each text's vector
    kept for the session (as `articlebot eval` keeps them), so the dozens of tests that index
    the bundled article embed its passages once per worker. The encoder's own tests
    (test_onnx.py) load it without this."""
    return CachingEncoder(OnnxEncoder(export_dir, name=load_settings().model))


@pytest.fixture(scope="session")
def reference_encoder() -> Encoder:
    """all-MiniLM-L6-v2 in sentence-transformers (torch): the reference the export must match."""
    from articlebot.encoders import load_encoder

    return load_encoder(load_settings(encoder="torch"))


@pytest.fixture(scope="session")
def article_index(tmp_path_factory: pytest.TempPathFactory, encoder: Encoder) -> IndexData:
    """The bundled article, indexed once into a session folder."""
    settings = load_settings(index_dir=tmp_path_factory.mktemp("article-index"))
    data, _ = update_index(settings, encoder, read_documents([bundled_article_path()]))
    return data


@pytest.fixture(scope="session")
def retriever(article_index: IndexData, encoder: Encoder) -> Retriever:
    """A retriever over the bundled article with default settings."""
    return make_retriever(load_settings(), article_index, encoder)


@pytest.fixture(scope="session")
def retriever_of(
    tmp_path_factory: pytest.TempPathFactory, encoder: Encoder
) -> Callable[..., Retriever]:
    """Makes a retriever over articles given as texts, each a .txt file named for its keyword
    (`retriever_of(floods=FLOODS)`: doc_id "floods"), indexed into a folder of its own."""

    def make(**texts: str) -> Retriever:
        folder = tmp_path_factory.mktemp("articles")
        paths = []
        for name, text in texts.items():
            path = folder / f"{name}.txt"
            path.write_text(text, encoding="utf-8")
            paths.append(path)
        settings = load_settings(index_dir=folder / "index")
        data, _ = update_index(settings, encoder, read_documents(paths))
        return make_retriever(settings, data, encoder)

    return make


@pytest.fixture(scope="session")
def group_private_retriever(
    tmp_path_factory: pytest.TempPathFactory, encoder: Encoder
) -> Retriever:
    """The bundled article as the link an admin posted in group -100123456: that group's own
    (its id is chat<group>-<message>), which no other chat may be answered from."""
    [page] = read_documents([bundled_article_path()])
    own = dataclasses.replace(page, doc_id="chat100123456-7", id_given=True)
    settings = load_settings(index_dir=tmp_path_factory.mktemp("group-index"))
    data, _ = update_index(settings, encoder, [own])
    return make_retriever(settings, data, encoder)


@pytest.fixture
def index_dir(tmp_path: Path, export_dir: Path) -> Path:
    """A fresh index folder; the session's ONNX export is in the user cache (exporting takes
    ~15 s)."""
    folder = tmp_path / "index"
    _share_export(folder, export_dir)
    return folder


def _share_export(index_folder: Path, export_dir: Path) -> None:
    """Put the session's export where `index_folder`'s commands look for it (the user cache)."""
    shared = encoder_cache_dir(load_settings(index_dir=index_folder))
    if not shared.exists():
        shutil.copytree(export_dir, shared)


@pytest.fixture(scope="session")
def built_article_index(tmp_path_factory: pytest.TempPathFactory, export_dir: Path) -> Path:
    """The bundled article indexed once per session by `articlebot index` (in this process),
    for `article_index_dir` to copy: indexing it costs seconds, copying the files milliseconds."""
    from articlebot.cli import main

    folder = tmp_path_factory.mktemp("built-article-index") / "index"
    _share_export(folder, export_dir)
    logger = logging.getLogger("articlebot")
    level = logger.level
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("ARTICLEBOT_INDEX_DIR", str(folder))
        patch.setattr(sys, "stdin", io.StringIO(""))
        try:
            assert main(["index"]) == 0
        finally:
            logger.setLevel(level)  # main sets it for the process
    return folder


@pytest.fixture
def article_index_dir(index_dir: Path, built_article_index: Path) -> Path:
    """`index_dir` holding the bundled article, as `articlebot index` leaves it: a private,
    writable copy of the session's one build."""
    shutil.copytree(built_article_index, index_dir)
    return index_dir


@pytest.fixture
def settings_for(tmp_path: Path):
    """Settings factory pointing at a fresh index folder."""

    def make(**overrides: object) -> Settings:
        overrides.setdefault("index_dir", tmp_path / "index")
        return load_settings(**overrides)

    return make


@pytest.fixture
def shared_model(monkeypatch: pytest.MonkeyPatch, encoder: Encoder) -> Encoder:
    """Commands run in this process (`cli`, a bot's own start-up) get the session's encoder
    instead of loading the bundled model again, for tests about what they do with it: each
    in-process `index` or `add` of the bundled article would otherwise embed it again (~4 s).
    Loading the model (export, cache folder, status lines) is tested in child processes and
    by tests without this fixture; other models and encoders still load as configured."""
    import articlebot.collection

    load = articlebot.collection.load_encoder
    bundled = Settings.model_construct().model_location()

    def shared(settings: Settings, **options: Any) -> Encoder:
        plain = settings.encoder != "torch" and settings.device == "cpu" and not settings.quantized
        if plain and settings.model_location() == bundled:
            return encoder
        return load(settings, **options)

    monkeypatch.setattr(articlebot.collection, "load_encoder", shared)
    return encoder


@pytest.fixture
def cli(
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> Callable[..., CliRun]:
    """`articlebot ARGS` run in this process, as `articlebot.cli.main(argv)`: for tests about
    what a command does rather than about the process (exit by signal, a terminal, start-up),
    which need a child process. Variables given as keywords are set for the one command."""
    from articlebot.cli import main

    def run(*args: str, index_dir: Path, stdin: str = "", **env: str) -> CliRun:
        capsys.readouterr()
        caplog.clear()
        logger = logging.getLogger("articlebot")
        level = logger.level
        with monkeypatch.context() as patch:
            patch.setenv("ARTICLEBOT_INDEX_DIR", str(index_dir))
            for key, value in env.items():
                patch.setenv(key, value)
            patch.setattr(sys, "stdin", io.StringIO(stdin))
            patch.chdir(index_dir.parent)
            try:
                code = main(list(args))
            except SystemExit as exc:  # argparse's usage errors and --help
                code = exc.code if isinstance(exc.code, int) else 1
            finally:
                logger.setLevel(level)  # main sets it for the process
        out, err = capsys.readouterr()
        return CliRun(code, out, err, caplog.text)

    return run


@pytest.fixture(scope="module")
def many_articles(encoder: Encoder, tmp_path_factory: pytest.TempPathFactory) -> Retriever:
    """The 21 articles of the reader dev set in one index."""
    from articlebot.evaluation import load_eval_file

    data, _ = update_index(
        load_settings(index_dir=tmp_path_factory.mktemp("reader") / "index"),
        encoder,
        load_eval_file(Path(__file__).resolve().parents[1] / "eval" / "reader_dev.jsonl").documents,
    )
    return Retriever(data, encoder)
