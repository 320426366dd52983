"""stub"""

from typing import Any

NAME = "jsonapi_media"


def apply(doc: dict[str, Any], package: str, record: Any) -> None:
    return None
