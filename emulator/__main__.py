"""``python -m emulator``: the command line of ``emulator.cli``."""

from emulator.cli import main

raise SystemExit(main())
