"""Triage: what happens after a report is queued — jobs, the queue, the sweeper."""

from triage.connection import redis_connection
from triage.jobs import follow_up
from triage.notify import LogNotifier, MemoryNotifier, Notifier
from triage.queue import QUEUE_NAME, dispatch_report, requeue_due
from triage.runtime import Runtime, configure
from triage.sweeper import Retention, SweepResult, sweep

__all__ = [
    "QUEUE_NAME",
    "LogNotifier",
    "MemoryNotifier",
    "Notifier",
    "Retention",
    "Runtime",
    "SweepResult",
    "configure",
    "dispatch_report",
    "follow_up",
    "redis_connection",
    "requeue_due",
    "sweep",
]
