"""`python -m bot` is `homeward`."""

from bot.cli import main

main()
