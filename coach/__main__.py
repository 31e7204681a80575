"""`python -m coach` runs the same command as `coach`."""

import sys

from coach.cli import main

sys.exit(main())
