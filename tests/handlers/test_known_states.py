"""The states a web process remembers having stored: few, and not for long."""

from __future__ import annotations

from handlers.quick_turn import KnownStates


def test_a_known_state_is_forgotten_after_the_time_kept():
    now = [0.0]
    known = KnownStates(size=10, keep=600.0, clock=lambda: now[0])
    known.put("tipster-a", 1, '{"step": "where"}')
    now[0] = 300.0
    known.put("tipster-b", 2, '{"step": "when"}')

    now[0] = 601.0  # a's draft may have been deleted by the sweeper since: not kept in memory

    assert known.get("tipster-a") is None and len(known) == 1
    assert known.get("tipster-b") == (2, '{"step": "when"}')
    now[0] = 901.0
    assert known.get("tipster-b") is None and len(known) == 0


def test_at_most_size_states_are_kept_the_longest_unchanged_forgotten_first():
    known = KnownStates(size=2)
    known.put("a", 1, "{}")
    known.put("b", 2, "{}")
    known.get("a")  # read, not stored again: still the oldest
    known.put("c", 3, "{}")

    assert known.get("a") is None and known.get("b") == (2, "{}") and known.get("c") == (3, "{}")
    known.forget("b")
    assert known.get("b") is None and len(known) == 1
