"""Pages anyone may open, with no sign-in: the public page of an alert."""

from bot.public.alert_page import alert_page_routes

__all__ = ["alert_page_routes"]
