"""Processes: settings, channels, the CLI and the worker. Nothing imports `bot`."""
