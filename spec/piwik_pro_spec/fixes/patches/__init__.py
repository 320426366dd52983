"""stub"""

from typing import Any

NAME = "patches"


def apply(doc: dict[str, Any], package: str, record: Any) -> None:
    return None
