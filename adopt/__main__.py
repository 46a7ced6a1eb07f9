"""`python -m adopt PROJECT`, from the root of a clone of this template."""

import sys

from adopt.migrate import main

sys.exit(main())
