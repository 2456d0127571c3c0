"""How well questions in Latin letters are told apart by language (#14, other languages).

    .venv/bin/python scripts/language_check.py

Questions in German, Spanish, French, Italian, Portuguese, Polish, Dutch and Turkish
(`eval/languages_other.jsonl`, 800: "team" written while building the check; "helper" and
"fresh" by two helpers, both looked at while choosing the word lists and thresholds; "final" by
a third, measured once after the last choice, nothing chosen on it), and in Swedish, Danish,
Norwegian, Finnish, Czech, Slovak, Romanian, Hungarian and Croatian (225, "final-more", by a
fourth helper, measured once after their word lists were written) should get the reply in
their language; English ones should never: every question in eval/*.jsonl and ../shared/eval,
and terse English queries full of foreign names (`eval/languages_english_names.jsonl`, the same
sources). Prints the share told right per set and language, questions told as another
language, and English ones taken for another.
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from pathlib import Path

from articlebot.evaluation import load_eval_file
from articlebot.retrieval.languages import LatinLanguages, question_language

#: Eval files that hold no questions (article layouts with their bylines and dates).
_NOT_QUESTIONS = ("about_layouts.jsonl",)


def _english_questions(folders: list[Path]) -> list[str]:
    """Every question and follow-up context in the eval files of `folders` (all English)."""
    found: set[str] = set()
    for folder in folders:
        for path in sorted(folder.glob("*.jsonl")):
            if not path.name.startswith("languages_") and path.name not in _NOT_QUESTIONS:
                for question in load_eval_file(path).questions:
                    found.update(text for text in (question.q, question.context) if text)
    return sorted(found)


def _rows(path: Path) -> list[dict[str, str]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def main() -> None:
    """Print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=Path("../shared"))
    args = parser.parse_args()
    latin = LatinLanguages()
    rows = _rows(Path("eval/languages_other.jsonl"))
    right: Counter[tuple[str, str]] = Counter()
    total: Counter[tuple[str, str]] = Counter()
    wrong = []
    for row in rows:
        told = question_language(row["q"], latin)
        key = (row["set"], row["language"])
        total[key] += 1
        right[key] += told == row["language"]
        if told not in ("en", row["language"]):
            wrong.append((row["q"], row["language"], told))
    languages = sorted({language for _, language in total})
    for name in [*dict.fromkeys(row["set"] for row in rows), "all"]:
        keys = [k for k in total if name in (k[0], "all")]
        per = {
            lang: f"{sum(right[k] for k in keys if k[1] == lang)}/"
            f"{sum(total[k] for k in keys if k[1] == lang)}"
            for lang in languages
        }
        share = sum(right[k] for k in keys) / sum(total[k] for k in keys)
        per = {k: v for k, v in per.items() if not v.endswith("/0")}
        print(f"{name:>10}: told {share:.3f}  " + "  ".join(f"{k} {v}" for k, v in per.items()))
    print(f"told as another language: {len(wrong)}", wrong[:10])
    names = [row["q"] for row in _rows(Path("eval/languages_english_names.jsonl"))]
    english = sorted(set(_english_questions([Path("eval"), args.shared / "eval"])) | set(names))
    taken = [q for q in english if question_language(q, latin) != "en"]
    print(f"English questions taken for another language: {len(taken)} of {len(english)}", taken)


if __name__ == "__main__":
    main()
