"""The `piwik-pro` command line (STUB: being built)."""


def main() -> None:
    raise SystemExit("piwik-pro: not built yet")
