"""Message, command, webhook and identity methods of the fake Bot API."""

from __future__ import annotations

import re
import time

from tests.fakes.telegram_state import (
    JSON,
    ApiError,
    BotState,
    drop_none,
    edit_target,
    inline_markup,
    method,
    reply_to,
    require_chat_id,
)

_COMMAND_NAME = re.compile(r"^[a-z0-9_]{1,32}$")
_NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup "
    "are exactly the same as a current content and reply markup of the message"
)


@method("getMe")
def get_me(state: BotState, params: JSON) -> JSON:
    """Describe the bot."""
    return {
        **state.bot_user,
        "can_join_groups": True,
        "can_read_all_group_messages": False,
        "supports_inline_queries": False,
    }


@method("sendMessage")
def send_message(state: BotState, params: JSON) -> JSON:
    """Store a text message and return it, inline keyboard echoed."""
    chat_id, text = require_chat_id(params), params.get("text")
    if not isinstance(text, str) or not text.strip():
        raise ApiError(400, "Bad Request: message text is empty")
    if len(text) > 4096:
        raise ApiError(400, "Bad Request: message is too long")
    return state.new_message(
        chat_id,
        text=text,
        entities=params.get("entities"),
        reply_markup=inline_markup(params),
        reply_to_message=reply_to(state, chat_id, params),
    )


@method("editMessageText")
def edit_message_text(state: BotState, params: JSON) -> JSON | bool:
    """Replace a message's text (and inline keyboard); Telegram refuses no-op edits."""
    if params.get("inline_message_id"):
        return True
    key, old = edit_target(state, params, "edit")
    if "photo" in old:  # a photo has a caption, edited by editMessageCaption
        raise ApiError(400, "Bad Request: there is no text in the message to edit")
    text, markup = params.get("text"), inline_markup(params)
    if not isinstance(text, str) or not text.strip():
        raise ApiError(400, "Bad Request: message text is empty")
    if old.get("text") == text and old.get("reply_markup") == markup:
        raise ApiError(400, _NOT_MODIFIED)
    new = {k: v for k, v in old.items() if k != "reply_markup"}
    state.messages[key] = {
        **new,
        **drop_none({"text": text, "reply_markup": markup, "entities": params.get("entities")}),
        "edit_date": int(time.time()),
    }
    return state.messages[key]


@method("editMessageReplyMarkup")
def edit_message_reply_markup(state: BotState, params: JSON) -> JSON | bool:
    """Replace (or remove, when none is given) a message's inline keyboard."""
    if params.get("inline_message_id"):
        return True
    key, old = edit_target(state, params, "edit")
    markup = inline_markup(params)
    if old.get("reply_markup") == markup:
        raise ApiError(400, _NOT_MODIFIED)
    new = {k: v for k, v in old.items() if k != "reply_markup"}
    state.messages[key] = {
        **new,
        **drop_none({"reply_markup": markup}),
        "edit_date": int(time.time()),
    }
    return state.messages[key]


@method("deleteMessage")
def delete_message(state: BotState, params: JSON) -> bool:
    """Forget a message; deleting it twice fails as on Telegram."""
    key, _ = edit_target(state, params, "delete")
    state.messages.pop(key, None)
    state.deleted.add(key)
    return True


@method("answerCallbackQuery")
def answer_callback_query(state: BotState, params: JSON) -> bool:
    """Acknowledge a button press."""
    if not params.get("callback_query_id"):
        raise ApiError(
            400, "Bad Request: query is too old and response timeout expired or query ID is invalid"
        )
    return True


@method("sendChatAction")
def send_chat_action(state: BotState, params: JSON) -> bool:
    """Accept a 'typing…' indicator."""
    require_chat_id(params)
    return True


def _commands_key(params: JSON) -> tuple[str, str]:
    scope = params.get("scope") or {"type": "default"}
    scope_key = (
        "|".join(f"{k}={scope[k]}" for k in sorted(scope))
        if isinstance(scope, dict)
        else str(scope)
    )
    return scope_key, str(params.get("language_code") or "")


@method("setMyCommands")
def set_my_commands(state: BotState, params: JSON) -> bool:
    """Store the command list for a scope and language, validated like Telegram does."""
    commands = params.get("commands")
    if not isinstance(commands, list):
        raise ApiError(400, "Bad Request: can't parse commands JSON object")
    for command in commands:
        description = str(command.get("description", ""))
        if not _COMMAND_NAME.match(str(command.get("command", ""))):
            raise ApiError(400, "Bad Request: BOT_COMMAND_INVALID")
        if not 1 <= len(description) <= 256:
            raise ApiError(400, "Bad Request: command description is empty")
    state.commands[_commands_key(params)] = [dict(c) for c in commands]
    return True


@method("getMyCommands")
def get_my_commands(state: BotState, params: JSON) -> list[JSON]:
    """Return the command list for a scope and language."""
    return state.commands.get(_commands_key(params), [])


@method("deleteMyCommands")
def delete_my_commands(state: BotState, params: JSON) -> bool:
    """Drop the command list for a scope and language."""
    state.commands.pop(_commands_key(params), None)
    return True


@method("setWebhook")
def set_webhook(state: BotState, params: JSON) -> bool:
    """Remember the webhook; Telegram insists on HTTPS."""
    url = str(params.get("url") or "")
    if url and not url.startswith("https://"):
        raise ApiError(400, "Bad Request: bad webhook: An HTTPS URL must be provided for webhook")
    if params.get("drop_pending_updates"):
        state.updates.clear()
    state.webhook = drop_none(
        {
            "url": url,
            "secret_token": params.get("secret_token"),
            "allowed_updates": params.get("allowed_updates"),
            "max_connections": params.get("max_connections"),
        }
    )
    return True


@method("deleteWebhook")
def delete_webhook(state: BotState, params: JSON) -> bool:
    """Forget the webhook, optionally dropping pending updates."""
    if params.get("drop_pending_updates"):
        state.updates.clear()
    state.webhook = {}
    return True


@method("getWebhookInfo")
def get_webhook_info(state: BotState, params: JSON) -> JSON:
    """Describe the webhook (secret_token is never echoed, as on Telegram)."""
    info = {k: v for k, v in state.webhook.items() if k != "secret_token"}
    return {
        "url": "",
        **info,
        "has_custom_certificate": False,
        "pending_update_count": len(state.updates),
    }


@method("sendLocation")
def send_location(state: BotState, params: JSON) -> JSON:
    """Store and return a location message."""
    location = {"latitude": params.get("latitude"), "longitude": params.get("longitude")}
    return state.new_message(
        require_chat_id(params), location=location, reply_markup=inline_markup(params)
    )


@method("copyMessage")
def copy_message(state: BotState, params: JSON) -> JSON:
    """Copy a message into another chat, returning only the new MessageId."""
    source = state.messages.get(
        (int(params.get("from_chat_id") or 0), int(params.get("message_id") or 0)), {}
    )
    content = {k: v for k, v in source.items() if k not in ("message_id", "date", "chat", "from")}
    return {"message_id": state.new_message(require_chat_id(params), **content)["message_id"]}
