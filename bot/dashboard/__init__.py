"""The coordinators' web dashboard at /dashboard: queue, tips, overview, coordinator list."""

from bot.dashboard.app import ROUTES, dashboard_routes
from bot.dashboard.context import DashboardOptions
from bot.dashboard.passwords import WeakPassword, check_strength, hash_password

__all__ = [
    "ROUTES",
    "DashboardOptions",
    "WeakPassword",
    "check_strength",
    "dashboard_routes",
    "hash_password",
]
