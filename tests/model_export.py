"""The tests' ONNX export of the bundled model, made once per virtual environment.

Exporting takes torch a minute or two, so `scripts/setup.sh` makes the export a test session
needs (what a user's first run makes) and keeps it in the environment; a session copies it
instead of exporting again. It is used only when made by the same export code and packages and
from the model's present files; otherwise the session exports as before.

    python tests/model_export.py    # make it (scripts/setup.sh runs this)
"""

from __future__ import annotations

import hashlib
import shutil
import sys
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

#: What an export depends on besides the model's files: these packages' versions.
_PACKAGES = ("torch", "transformers", "sentence-transformers", "onnx", "onnxruntime")


def export_fingerprint() -> str:
    """A digest of the code and package versions that make and optimize an export."""
    import articlebot.encoders

    digest = hashlib.sha256()
    for path in sorted(Path(articlebot.encoders.__file__).parent.glob("*.py")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    for package in _PACKAGES:
        try:
            digest.update(f"{package}=={version(package)}\0".encode())
        except PackageNotFoundError:
            digest.update(f"{package} missing\0".encode())
    return digest.hexdigest()[:16]


def kept_export_dir() -> Path:
    """Where this environment keeps the export for the present export code and packages."""
    return Path(sys.prefix) / "articlebot-test-export" / export_fingerprint()


def kept_export(model_location: str) -> Path | None:
    """The kept export when it is complete and made from the model's present files."""
    from articlebot.encoders.onnx import current_prepared_model
    from articlebot.encoders.onnx_cache import export_is_current

    folder = kept_export_dir()
    if not export_is_current(model_location, folder):
        return None
    return folder if current_prepared_model(folder / "model.onnx") is not None else None


def bundled_model_location() -> str:
    """The bundled model's folder, whatever the environment or a .env says."""
    from articlebot.config import Settings

    return Settings.model_construct().model_location()


def main() -> None:
    """Make the kept export if it is missing or stale."""
    from articlebot.encoders.onnx_cache import ensure_onnx_export

    model_location = bundled_model_location()
    folder = kept_export_dir()
    if kept_export(model_location) is None:
        ensure_onnx_export(model_location, folder)
    for stale in folder.parent.iterdir():  # made by earlier export code or packages
        if stale.name.startswith(folder.name) or stale.name.startswith("."):
            continue  # this export, its lock, or another run's export in the making
        if stale.is_dir():
            shutil.rmtree(stale, ignore_errors=True)
        else:
            stale.unlink(missing_ok=True)


if __name__ == "__main__":
    main()
