"""``python -m moderation.cli``: the ``moderation`` command."""

import sys

from . import main

sys.exit(main())
