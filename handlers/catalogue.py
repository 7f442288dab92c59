"""The text catalogue: every sentence a user reads, per language, from gettext .po files.

Message ids are keys (``ask.where``); each language is one ``locales/<code>/LC_MESSAGES/
homeward.po`` file that translators edit with any PO tool. A third language is a new file.
"""

from __future__ import annotations

import logging
from functools import cache
from importlib import resources
from pathlib import Path

from babel.messages.pofile import read_po

__all__ = ["DEFAULT_LANGUAGE", "Catalogue", "catalogue"]

log = logging.getLogger(__name__)
DEFAULT_LANGUAGE = "en"
_DOMAIN = "homeward.po"
_TRAILING = " 。.!！~～呢啊吧了"


class Catalogue:
    """All translations, loaded once; `text()` looks a key up with a fallback to English."""

    def __init__(self, root: Path) -> None:
        self._messages: dict[str, dict[str, str]] = {}
        for po_path in sorted(root.glob(f"*/LC_MESSAGES/{_DOMAIN}")):
            code = po_path.parent.parent.name
            with po_path.open("rb") as handle:
                po = read_po(handle, locale=code)
            self._messages[code] = {
                str(m.id): str(m.string) for m in po if m.id and m.string and not m.fuzzy
            }
        if DEFAULT_LANGUAGE not in self._messages:
            raise RuntimeError(f"no {DEFAULT_LANGUAGE} catalogue under {root}")

    @property
    def languages(self) -> tuple[str, ...]:
        """Language codes with a catalogue, English last so others are offered first."""
        codes = sorted(self._messages, key=lambda c: (c == DEFAULT_LANGUAGE, c))
        return tuple(codes)

    def keys(self, language: str) -> frozenset[str]:
        """The keys translated in one language (no English fallback), for completeness tests."""
        return frozenset(self._messages.get(language, {}))

    def has(self, language: str, key: str) -> bool:
        """True if the key is translated in this language or in English."""
        return key in self._messages.get(language, {}) or key in self._messages[DEFAULT_LANGUAGE]

    def text(self, language: str, key: str, **params: object) -> str:
        """The text for a key in a language, formatted with `params`."""
        template = self._messages.get(language, {}).get(key)
        if template is None:
            template = self._messages[DEFAULT_LANGUAGE].get(key)
            if template is None:  # tests/handlers/test_catalogue.py keeps this from happening
                _log_missing(key)
                return key
        return template.format(**params) if params else template

    def words(self, key: str) -> frozenset[str]:
        """A key's "|"-separated words in every language, case-folded (typed words that act
        as commands, answers that mean "none")."""
        return frozenset(
            word.strip().casefold()
            for code in self.languages
            if self.has(code, key)
            for word in self.text(code, key).split("|")
            if word.strip()
        )

    def said(self, key: str, typed: str) -> bool:
        """Whether a typed answer is one of a key's words, give or take case, a curly
        apostrophe and a trailing particle or stop ("不知道呢", "I don’t know.")."""
        answer = typed.replace("’", "'").strip().strip(_TRAILING).casefold()
        return answer in self.words(key)

    def match_language(self, hint: str | None) -> str | None:
        """Map a platform language code (``zh-hans``, ``en-US``) to a catalogue language."""
        if not hint:
            return None
        hint = hint.replace("-", "_").lower()
        for code in self._messages:
            if hint == code.lower() or hint.split("_")[0] == code.lower().split("_")[0]:
                return code
        return None


@cache
def _log_missing(key: str) -> None:
    """Say once per process that a key is missing, not at every lookup."""
    log.error("catalogue key missing: %s", key)


@cache
def catalogue() -> Catalogue:
    """The packaged catalogue (loaded once per process)."""
    return Catalogue(Path(str(resources.files("handlers") / "locales")))
