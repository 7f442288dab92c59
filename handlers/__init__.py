"""The conversations: the channel-neutral intake interview and its text catalogue."""

from handlers.catalogue import Catalogue, catalogue
from handlers.commands import COMMANDS
from handlers.intake import Intake
from handlers.interview import Outcome, Submission, handle
from handlers.messages import Choice, Inbound, InboundKind, Reply
from handlers.render import render_text
from handlers.state import Env, InterviewConfig, State
from handlers.steps import Step
from handlers.typed_commands import command_name, read_command
from handlers.warm import warm_up

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
    "command_name",
    "handle",
    "read_command",
    "render_text",
    "warm_up",
]
