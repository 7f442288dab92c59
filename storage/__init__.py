"""Storage: tables, engine and sessions, data-access functions, migrations, encryption."""

from storage.alert_models import (
    Alert,
    AlertDelivery,
    AlertPhotoUpload,
    DeliveryKind,
    DeliveryStatus,
    Subscription,
)
from storage.channels import Channel
from storage.coordinator_chat import ChatPrompt, TipCard
from storage.crypto import NO_PIN, FieldCipher, InvalidKey, generate_key
from storage.db import is_sqlite, make_engine, session_scope, upgrade
from storage.logins import LoginAttempt, LoginOutcome
from storage.models import (
    Attachment,
    Conversation,
    Delivery,
    InboundUpdate,
    OutboxItem,
    OutboxStatus,
    Report,
    ReportEvent,
    ReportKind,
    ReportStatus,
    utcnow,
)
from storage.outbox import OutboxJob
from storage.outcome_models import Outcome, OutcomeKind
from storage.registry_log import RegistryEvent, RegistryPhoto
from storage.registry_models import (
    DnaStatus,
    EntryStatus,
    MatchCandidate,
    MatchStatus,
    RegistryEntry,
    RegistryKind,
    SameChildLink,
)
from storage.workflow_models import (
    AllowListChange,
    Coordinator,
    Note,
    PinThrottle,
    PurgeRecord,
    Referral,
    RelayDirection,
    RelayMessage,
    Role,
    TipsterBlock,
    is_lead_role,
)

__all__ = [
    "Alert",
    "AlertDelivery",
    "AlertPhotoUpload",
    "DeliveryKind",
    "DeliveryStatus",
    "Subscription",
    "Channel",
    "NO_PIN",
    "AllowListChange",
    "Attachment",
    "ChatPrompt",
    "Conversation",
    "Coordinator",
    "Note",
    "PinThrottle",
    "PurgeRecord",
    "Referral",
    "RelayDirection",
    "RelayMessage",
    "Role",
    "Delivery",
    "FieldCipher",
    "InboundUpdate",
    "InvalidKey",
    "LoginAttempt",
    "LoginOutcome",
    "DnaStatus",
    "EntryStatus",
    "MatchCandidate",
    "MatchStatus",
    "RegistryEntry",
    "RegistryEvent",
    "RegistryPhoto",
    "RegistryKind",
    "SameChildLink",
    "TipCard",
    "TipsterBlock",
    "OutboxItem",
    "Outcome",
    "OutcomeKind",
    "OutboxJob",
    "OutboxStatus",
    "Report",
    "ReportEvent",
    "ReportKind",
    "ReportStatus",
    "generate_key",
    "is_sqlite",
    "make_engine",
    "session_scope",
    "upgrade",
    "is_lead_role",
    "utcnow",
]
