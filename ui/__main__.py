"""`python -m ui` — open the program's window."""

import sys

from ui.main import main

sys.exit(main())
