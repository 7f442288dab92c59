"""Why the workflow refused an action: a catalogue key and its parameters, in any language.

`WorkflowError("workflow.claim_first", ref="HW-…")` names the text that says why; the
dashboard and the Telegram group show `error.text(language)` in the coordinator's language,
and `str(error)` is the English text (the CLI prints it). Stored values such as statuses are
passed as `Label`s so that each language names them its own way; a list of them reads as
alternatives ("a, b, or c"; "a、b或c").
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from babel.lists import format_list

from handlers.catalogue import DEFAULT_LANGUAGE, catalogue
from handlers.phrases import locale_of

__all__ = ["Label", "WorkflowError", "labels"]


@dataclass(frozen=True)
class Label:
    """A stored value (a status, a close reason…) named by `workflow.<kind>.<value>`."""

    kind: str
    value: str

    def text(self, language: str) -> str:
        """The value's name in a language, or the value itself if the catalogue has none."""
        key = f"workflow.{self.kind}.{self.value}"
        return catalogue().text(language, key) if catalogue().has(language, key) else self.value


def labels(kind: str, values: Iterable[str]) -> tuple[Label, ...]:
    """Several values of one kind, e.g. every close reason."""
    return tuple(Label(kind, value) for value in values)


class WorkflowError(ValueError):
    """An action that isn't allowed now; `key` names the catalogue text saying why."""

    def __init__(self, key: str, **params: object) -> None:
        super().__init__(key)
        self.key, self.params = key, params

    def text(self, language: str) -> str:
        """Why, in a catalogue language (English if that language lacks the text)."""
        if language not in catalogue().languages:
            language = DEFAULT_LANGUAGE
        shown = {name: _shown(value, language) for name, value in self.params.items()}
        return catalogue().text(language, self.key, **shown)

    def __str__(self) -> str:
        return self.text(DEFAULT_LANGUAGE)  # English: the CLI and logs


def _shown(value: object, language: str) -> object:
    """A parameter as the text reads it: labels named, lists joined the language's way."""
    if isinstance(value, Label):
        return value.text(language)
    if isinstance(value, list | tuple):
        names = [str(_shown(item, language)) for item in value]
        return format_list(names, style="or", locale=locale_of(language))
    return value
