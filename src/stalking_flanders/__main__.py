"""``python -m stalking_flanders``: the same as the ``stalking-flanders`` command."""

import sys

from .cli import main

sys.exit(main())
