"""Hypothesis strategies for what may reach the Telegram webhook: real-looking updates with
strange content, the same updates broken in random places, and plain garbage.

Each strategy yields a `Posted`: the body to POST and, when the update is well formed, who
is owed an answer (a text in a private chat gets one; a button tap gets its spinner stopped).
Chat and update ids are placeholders the test replaces with fresh ones, so every example is
a new tipster and no example is mistaken for a re-delivery of another.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from hypothesis import strategies as st

from tests.fakes.telegram_updates import UpdateFactory

JSON = dict[str, Any]
CHAT = 4_242_424_242  # placeholder chat id, replaced per example
GROUP = -1_004_242_424_242
INTERVIEWS = [4_300_000_000 + n for n in range(20)]  # chats the test keeps mid-interview


@dataclass(frozen=True)
class Posted:
    """A webhook request body, and the reply it is owed ("message", "answer" or None)."""

    body: JSON | bytes | Any
    owed: str | None = None


ODD = [
    "",
    " ",
    "\u200b\u200d\ufeff",  # zero-width characters
    "\u202eevil\u202c",  # right-to-left override
    "👨‍👩‍👧‍👦🏳️‍🌈",  # emoji joined by ZWJ
    "Z̷̢̛a̸̡͝l̵̨̛g̴̢͝o̶̧͘",  # stacked combining marks
    "\x00\x01\x1b[31m",  # NUL and control characters
    "𠀀𪚥𰻞",  # CJK outside the basic plane
    "²",  # a digit int() can't read (str.isdigit says it is one)
    "٣",  # Arabic-Indic three, which int() reads
    "１",  # a full-width one, as Chinese keyboards type it
    "/start@homeward_test_bot 深圳",
    "/unknown_command",
    "'; DROP TABLE report; --",
    "<b>html</b> *markdown* `code`",
]

texts = st.one_of(
    st.sampled_from(ODD),
    st.text(max_size=200),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=1, max_size=50),
    st.builds(lambda s, n: s * n, st.text(min_size=1, max_size=8), st.integers(500, 12_000)),
)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | texts,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=12,
)


def _factory() -> UpdateFactory:
    return UpdateFactory(first_update_id=1)


@st.composite
def well_formed(draw: st.DrawFn) -> Posted:
    """A real-looking update, its content strange."""
    updates, text = _factory(), draw(texts)
    kind = draw(st.sampled_from(["text", "command", "tap", "edit", "group", "sticker", "other"]))
    if kind == "text":
        return Posted(updates.text(CHAT, text, language_code=draw(_languages)), "message")
    if kind == "command":
        name = draw(st.sampled_from(["start", "help", "back", "skip", "language", "cancel"]))
        return Posted(updates.command(CHAT, name, text[:100]), "message")
    if kind == "tap":
        data = draw(st.one_of(texts.map(lambda t: t[:64]), st.just("kind:sighting")))
        return Posted(
            updates.callback(CHAT, data, message_id=draw(st.integers(1, 10**6))), "answer"
        )
    if kind == "edit":
        return Posted(updates.edited_text(CHAT, draw(st.integers(1, 10**6)), text), "message")
    if kind == "group":
        return Posted(updates.group_text(GROUP, text), None)
    if kind == "sticker":
        return Posted(updates.sticker(CHAT), "message")
    other = draw(
        st.sampled_from(["message_reaction", "my_chat_member", "poll", "business_message", "x"])
    )
    return Posted({"update_id": 1, other: draw(json_values)}, None)


_languages = st.sampled_from([None, "zh-hans", "zh-hant", "en", "ru", "", "xx-YY", "🤖"])


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every key path in a JSON value."""
    found: list[tuple[Any, ...]] = []
    if isinstance(value, dict):
        for key, item in value.items():
            found.append((*prefix, key))
            found.extend(_paths(item, (*prefix, key)))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found.append((*prefix, index))
            found.extend(_paths(item, (*prefix, index)))
    return found


@st.composite
def broken(draw: st.DrawFn) -> Posted:
    """A well-formed update with fields removed or given the wrong type."""
    update = json.loads(json.dumps(draw(well_formed()).body))
    for _ in range(draw(st.integers(1, 3))):
        paths = [p for p in _paths(update) if p != ("update_id",)]
        if not paths:
            break
        path = draw(st.sampled_from(paths))
        parent = update
        for step in path[:-1]:
            parent = parent[step]
        if draw(st.booleans()):
            del parent[path[-1]]
        else:
            parent[path[-1]] = draw(json_values)
    return Posted(update, None)


garbage = st.one_of(
    json_values.map(lambda v: Posted(v)),
    st.dictionaries(st.text(max_size=12), json_values, max_size=5).map(
        lambda d: Posted({**d, "update_id": 1})
    ),
    st.binary(max_size=200).map(lambda b: Posted(b)),
    st.sampled_from(
        [
            b"",
            b"{",
            b'{"update_id": 1e309}',
            b'{"update_id": "1"}',
            b'{"update_id": 1, "message": {"text": "\\ud800"}}',
            b"\xff\xfe{}",
            b"[]",
            b"null",
            b'{"update_id": -1}',
        ]
    ).map(lambda b: Posted(b)),
)

answers = st.builds(
    lambda chat, text: Posted(_factory().text(chat, text), "message"),
    st.sampled_from(INTERVIEWS),
    texts,
)
"""A strange answer from a tipster in the middle of a report (it is stored in the draft)."""

updates = st.one_of(well_formed(), answers, broken(), garbage)
"""Whatever may arrive at the webhook with the right secret."""
