"""`python -m articlebot` runs the command line."""

from __future__ import annotations

from articlebot.cli import main

raise SystemExit(main())
