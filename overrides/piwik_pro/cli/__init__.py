"""The `piwik-pro` command line: explore the API, call any operation, script the results.

`main` is the console script's entry point; everything heavy is imported
inside the commands so the command starts fast.
"""

from ._main import main

__all__ = ["main"]
