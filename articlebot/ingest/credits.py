"""An article's author and date as given beside its text: front matter, a .jsonl line's fields.

Such fields are data (YAML's and TOML's dates, lists of names), not text to print as written.
"""

from __future__ import annotations

import re
from datetime import date, datetime


def one_line(text: str) -> str:
    """`text` with its runs of spaces and line breaks as one space (a YAML block's title)."""
    return " ".join(text.split())


def author_text(value: object) -> str | None:
    """The author a field names: a name, or a list of names joined as a byline writes them
    ("Jane Roe and Sam Poe", "Jane Roe, Sam Poe and Ann Lee"); None for anything else (a
    number, an object), which printed as it is would make a byline of brackets."""
    if isinstance(value, str):
        return one_line(value) or None
    if not isinstance(value, list):
        return None
    names = [name for item in value if isinstance(item, str) and (name := one_line(item))]
    if len(names) <= 1:
        return names[0] if names else None
    return f"{', '.join(names[:-1])} and {names[-1]}"


def date_text(value: object) -> str | None:
    """The date a field gives, as a web page's is shown ("2026-05-01"): a date or a date and
    time (YAML's and TOML's own, or ISO 8601 text: "2026-05-01T09:30:00Z", on the day written,
    whatever its zone), or a date written otherwise ("30 November 2026") as it is; None for
    anything else (a number, a list)."""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if not isinstance(value, str):
        return None
    text = one_line(value)
    try:
        return datetime.fromisoformat(text).date().isoformat()
    except ValueError:
        # Written as a date no calendar has ("2026-02-30"): no date at all.
        return None if _ISO_DATE.match(text) else text or None


_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}\b")
