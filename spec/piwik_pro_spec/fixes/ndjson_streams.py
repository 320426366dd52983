"""stub"""

from typing import Any

NAME = "ndjson_streams"


def apply(doc: dict[str, Any], package: str, record: Any) -> None:
    return None
