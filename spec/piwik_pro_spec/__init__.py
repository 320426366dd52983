"""The regenerate pipeline: sources, download, spec fixes, generation, lock.

Run it with `nox -s regenerate` (or `python -m piwik_pro_spec.regenerate`).
"""
