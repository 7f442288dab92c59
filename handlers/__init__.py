"""The conversations: the channel-neutral intake interview and its text catalogue."""

from handlers.catalogue import Catalogue, catalogue
from handlers.intake import Intake
from handlers.interview import COMMANDS, Outcome, Submission, handle
from handlers.messages import Choice, Inbound, InboundKind, Reply
from handlers.render import render_text
from handlers.state import Env, InterviewConfig, State
from handlers.steps import Step

__all__ = [
    "COMMANDS",
    "Catalogue",
    "Choice",
    "Env",
    "Inbound",
    "InboundKind",
    "Intake",
    "InterviewConfig",
    "Outcome",
    "Reply",
    "State",
    "Step",
    "Submission",
    "catalogue",
    "handle",
    "render_text",
]
