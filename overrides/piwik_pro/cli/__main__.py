"""`python -m piwik_pro.cli`."""

from . import main

raise SystemExit(main())
