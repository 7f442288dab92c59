"""The language the CLI's words are printed in: `--lang zh|en`, else the terminal's."""

from __future__ import annotations

import os

import click

__all__ = ["reader_language", "reading_language"]


def reader_language(chosen: str | None = None) -> str:
    """The language for the words the CLI prints: --lang if given, else the terminal's
    (LC_ALL, LC_MESSAGES, LANG)."""
    if chosen:
        return {"zh": "zh_CN", "en": "en"}[chosen]
    for variable in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(variable, "")
        if value:
            return "zh_CN" if value.lower().startswith("zh") else "en"
    return "en"


reading_language = click.option(
    "--lang",
    type=click.Choice(["zh", "en"]),
    default=None,
    help="Reading language (default: the terminal's, from LC_ALL / LC_MESSAGES / LANG).",
)
