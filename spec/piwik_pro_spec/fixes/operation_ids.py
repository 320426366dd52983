"""stub"""

from typing import Any

NAME = "operation_ids"


def apply(doc: dict[str, Any], package: str, record: Any) -> None:
    return None
