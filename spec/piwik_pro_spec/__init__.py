"""The regenerate pipeline: sources, download, spec fixes, generation, lock.

Run it with `nox -s regenerate` (or `python -m piwik_pro_spec.regenerate`).
The wheel ships only the run-time part the sandbox uses (sources, download,
docs, fixes); regenerate, generate, lock and changes stay in the checkout.
"""
