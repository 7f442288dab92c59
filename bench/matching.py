"""Matching benchmark: the matcher on the real path against the Bayes-optimal ceiling.

Run with `python -m bench.matching [--entries 20000] [--tips 400] [--database-url URL]`.
Children and tips come from `bench.match_model` (its docstring documents the mix); the
ceiling ranks each tip's candidates by the model's exact likelihood (`bench.match_ceiling`),
and its posterior weighs "not registered" by the tip's likelihood for any child the model
draws, so its alerts at 90% quiet are the most any matcher can reach on the draw.
The matcher runs as the worker runs it: the registry imported with 1,000 open tips waiting,
then `match_report` per tip on a warm index, timed, its stored candidates read back.
"""

from __future__ import annotations

import argparse
import math
import random
import statistics
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from bench.match_ceiling import likelihood, unregistered_likelihood
from bench.match_db import add_tips, case_ids, fresh_database, registry_csv, timed_import
from bench.match_mixes import MIXES, Mix
from bench.match_model import Child, Seen, as_tip, draw_seen, make_child
from storage import Report, session_scope
from triage.matching.calibration import fit_calibration, uncalibrated
from triage.matching_jobs import match_report

SEED = 20261207
NOTIFY = 0.5  # MATCH_NOTIFY_SCORE's default
OPEN_TIPS = 1000  # waiting when the registry is imported


@dataclass
class Outcome:
    """Where the true entry ranked and what was scored, per tip, for one ranker."""

    ranks: list[int | None] = field(default_factory=list)  # None: not in the top 5
    by_kind: dict[str, list[int | None]] = field(default_factory=dict)  # ranks per name scenario
    true_scores: list[float] = field(default_factory=list)  # the true entry's score (0 if absent)
    quiet_tops: list[float] = field(default_factory=list)  # best score on no-match tips
    pairs: list[tuple[float, bool]] = field(default_factory=list)  # (score, is the child)

    def recall(self, k: int) -> float:
        """Share of matchable tips with the child in the top k."""
        return sum(r is not None and r < k for r in self.ranks) / max(len(self.ranks), 1)

    def alerted(self) -> float:
        """Share of matchable tips whose child scored at least NOTIFY."""
        return sum(s >= NOTIFY for s in self.true_scores) / max(len(self.true_scores), 1)

    def quiet(self) -> float:
        """Share of no-match tips where nothing scored NOTIFY."""
        return sum(s < NOTIFY for s in self.quiet_tops) / max(len(self.quiet_tops), 1)

    def alerted_keeping_quiet(self, quiet: float = 0.9) -> float:
        """Share of matchable tips alerted at the highest threshold keeping `quiet` of the rest quiet."""
        if not self.quiet_tops or not self.true_scores:
            return 0.0
        tops = sorted(self.quiet_tops)
        threshold = tops[math.ceil(quiet * len(tops)) - 1]
        return sum(s > threshold for s in self.true_scores) / len(self.true_scores)

    def add(self, truth: str | None, ranked: list[tuple[str, float]], kind: str = "") -> None:
        """Note one tip's top five."""
        self.pairs.extend((score, case == truth) for case, score in ranked)
        if truth is None:
            self.quiet_tops.append(ranked[0][1] if ranked else 0.0)
            return
        ids = [case for case, _ in ranked]
        self.ranks.append(ids.index(truth) if truth in ids else None)
        self.by_kind.setdefault(kind, []).append(self.ranks[-1])
        self.true_scores.append(dict(ranked).get(truth, 0.0))


def ceiling_ranking(seen: Seen, children: Sequence[Child]) -> list[tuple[str, float]]:
    """The model's exact posterior for its five likeliest entries.

    Each entry is the child with prior (1 - p) / N, "not registered" with prior p, whose
    likelihood is the tip's under a child drawn from the model (`unregistered_likelihood`).
    """
    weights = [(likelihood(seen, c), c.entry.case_id) for c in children]
    each = (1 - seen.mix.p_unregistered) / max(len(children), 1)
    elsewhere = seen.mix.p_unregistered * unregistered_likelihood(seen)
    total = each * sum(w for w, _ in weights) + elsewhere
    best = sorted(weights, reverse=True)[:5]
    return [(case, each * w / total if total else 0.0) for w, case in best]


def reliability(pairs: list[tuple[float, bool]]) -> list[str]:
    """Predicted score bands against how often the candidate was the child."""
    bands = [(0.0, 0.05), (0.05, 0.2), (0.2, 0.4), (0.4, 0.6), (0.6, 0.8), (0.8, 1.01)]
    lines = [f"{'score':<12}{'pairs':>7}{'mean score':>12}{'share true':>12}"]
    for low, high in bands:
        inside = [(s, t) for s, t in pairs if low <= s < high]
        if inside:
            mean = statistics.fmean(s for s, _ in inside)
            true = sum(t for _, t in inside) / len(inside)
            lines.append(
                f"{low:.2f}-{min(high, 1):.2f}   {len(inside):>7}{mean:>12.3f}{true:>12.3f}"
            )
    return lines


def draw_tips(
    children: list[Child], count: int, rng: random.Random, mix: Mix = MIXES["hard"]
) -> list[tuple[Seen, str | None]]:
    """(sighting, true case id or None): a fifth of the children seen are not registered."""
    tips = []
    for n in range(count):
        if rng.random() < mix.p_unregistered:
            tips.append((draw_seen(make_child(rng, 900_000 + n), rng, mix), None))
        else:
            child = rng.choice(children)
            tips.append((draw_seen(child, rng, mix), child.entry.case_id))
    return tips


def run(
    entries: int,
    tip_count: int,
    database_url: str | None,
    open_tips: int,
    *,
    seed: int = SEED,
    fit: bool = False,
    save: str | None = None,
    ceiling_too: bool = True,
    mix: str = "hard",
) -> None:
    """Print matcher vs ceiling, alerts, calibration and real-path timing for one size."""
    rng = random.Random(seed + entries)
    children = [make_child(rng, i) for i in range(entries)]
    tips = draw_tips(children, tip_count, rng, MIXES[mix])
    waiting = draw_tips(children, open_tips, random.Random(SEED - 1))
    with fresh_database(database_url) as (engine, kind):
        add_tips(engine, ((f"W{n}", as_tip(s, f"W{n}", rng)) for n, (s, _) in enumerate(waiting)))
        took, took_cpu, imported = timed_import(engine, registry_csv(c.entry for c in children))
        print(f"\n== {entries} entries on {kind}, the {mix} mix, seed {seed}: registry import with {open_tips} open tips "
              f"{took:.1f} s, {took_cpu:.1f} s CPU in this process ({imported} entries)")  # fmt: skip
        ids = add_tips(
            engine, ((f"B{n}", as_tip(s, f"B{n}", rng)) for n, (s, _) in enumerate(tips))
        )
        cases = case_ids(engine)
        matcher, times, cpu_times = Outcome(), [], []
        for n, (_, truth) in enumerate(tips):
            started, cpu = time.perf_counter(), time.process_time()
            with session_scope(engine) as session:
                report = session.get(Report, ids[f"B{n}"])
                assert report is not None
                found = match_report(session=session, report=report)
            times.append((time.perf_counter() - started) * 1000)
            cpu_times.append((time.process_time() - cpu) * 1000)
            matcher.add(truth, [(cases[c.entry_id], c.score) for c in found], tips[n][0].scenario)
    if fit:  # a calibration curve from this draw (use another seed than the one reported)
        raw = [(uncalibrated(score), true) for score, true in matcher.pairs]
        if save:
            Path(save).write_text("".join(f"[{r:.6g}, {str(t).lower()}]\n" for r, t in raw))
        print(f"fitted CALIBRATION = {fit_calibration(raw)} (from {len(raw)} pairs)")
        print("\n".join(reliability(matcher.pairs)))
        return
    ceiling = Outcome()
    for seen, truth in tips if ceiling_too else []:
        ceiling.add(truth, ceiling_ranking(seen, children), seen.scenario)
    print(
        f"{'':<10}{'recall@1':>10}{'recall@5':>10}{'alerted':>10}{'quiet':>8}{'at 90% quiet':>14}"
    )
    rows = [("matcher", matcher), ("ceiling", ceiling)] if ceiling_too else [("matcher", matcher)]
    for label, o in rows:
        print(
            f"{label:<10}{o.recall(1):>10.3f}{o.recall(5):>10.3f}{o.alerted():>10.2f}{o.quiet():>8.2f}"
            f"{o.alerted_keeping_quiet():>14.2f}"
        )
    if ceiling_too:
        print(f"{'ratio':<10}{matcher.recall(1) / max(ceiling.recall(1), 1e-9):>10.3f}"
              f"{matcher.recall(5) / max(ceiling.recall(5), 1e-9):>10.3f}")  # fmt: skip
    print(f"({len(matcher.ranks)} tips of registered children, {len(matcher.quiet_tops)} not; "
          f"alerted: the child scored >= {NOTIFY}; quiet: nothing did; at 90% quiet: the "
          "children alerted at the threshold that keeps 90% of no-match tips quiet)")  # fmt: skip
    print(f"match_report on the real path: median {statistics.median(times):.1f} ms, "
          f"p95 {statistics.quantiles(times, n=20)[18]:.1f} ms; this process's CPU median "
          f"{statistics.median(cpu_times):.1f} ms")  # fmt: skip
    print("recall@1 by the names heard: matcher / ceiling")
    for kind, ranks in sorted(ceiling.by_kind.items()):
        mine = matcher.by_kind.get(kind, [])
        hit = sum(r == 0 for r in mine) / max(len(mine), 1)
        best = sum(r == 0 for r in ranks) / max(len(ranks), 1)
        print(f"  {kind:<16}{len(ranks):>4} tips  {hit:.2f} / {best:.2f}")
    print("calibration of the matcher's scores (top five per tip):")
    print("\n".join(reliability(matcher.pairs)))


def main(argv: Sequence[str] | None = None) -> None:
    """Run each registry size."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--entries", default="20000", help="comma-separated registry sizes")
    parser.add_argument("--tips", type=int, default=400)
    parser.add_argument("--open-tips", type=int, default=OPEN_TIPS)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument(
        "--mix", choices=sorted(MIXES), default="hard", help="the tips' mix (bench/match_model.py)"
    )
    parser.add_argument("--no-ceiling", action="store_true", help="skip the (slow) ceiling")
    parser.add_argument("--fit", action="store_true", help="fit the calibration curve instead")
    parser.add_argument(
        "--save", default=None, help="with --fit: write the pairs for match-calibrate"
    )
    parser.add_argument("--database-url", default=None, help="PostgreSQL server (default: SQLite)")
    args = parser.parse_args(argv)
    for size in (int(s) for s in args.entries.split(",")):
        run(
            size,
            args.tips,
            args.database_url,
            args.open_tips,
            seed=args.seed,
            fit=args.fit,
            save=args.save,
            ceiling_too=not args.no_ceiling,
            mix=args.mix,
        )


if __name__ == "__main__":
    main()
