"""Case alerts: neighbours who opted in are asked about a missing child, within each
platform's rules.

    subscribing.py  a platform user adds, lists, removes their subscriptions
    targeting.py    who an alert asks: the radius that widens with time, the case's provinces
    wording.py      the alert's words from the registry entry, in zh and en
    publishing.py   publish (leads only, with the family's consent) and close
    delivery.py     the sender interface a platform implements, and how a send can fail
    pacing.py       Telegram's rate, shared by every process, replies to tipsters first
    reply_pace.py   the web process's replies counted in that pace, off the reply path
    fanout.py       the rq job: one outbox row per message, sent once across crashes
"""

from triage.alerts.delivery import AlertMessage, AlertSender, Unreachable
from triage.alerts.fanout import (
    ALERT_QUEUE,
    AlertDeliveryConfig,
    configure_alert_delivery,
    enqueue_fanout,
    fan_out,
    resume_fanouts,
)
from triage.alerts.publishing import (
    AlertRefused,
    Preview,
    close_alert,
    preview_alert,
    publish_alert,
)
from triage.alerts.subscribing import (
    area_around,
    area_from_text,
    area_words,
    my_subscriptions,
    subscribe,
    unsubscribe,
)

__all__ = [
    "ALERT_QUEUE",
    "AlertDeliveryConfig",
    "AlertMessage",
    "AlertRefused",
    "AlertSender",
    "Preview",
    "Unreachable",
    "area_around",
    "area_from_text",
    "area_words",
    "close_alert",
    "configure_alert_delivery",
    "enqueue_fanout",
    "fan_out",
    "my_subscriptions",
    "preview_alert",
    "publish_alert",
    "resume_fanouts",
    "subscribe",
    "unsubscribe",
]
