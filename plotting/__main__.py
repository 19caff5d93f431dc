"""`python -m plotting ...`: the command line."""

import sys

from plotting.cli import main

sys.exit(main())
