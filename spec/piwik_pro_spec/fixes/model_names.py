"""stub"""

from typing import Any

NAME = "model_names"


def apply(doc: dict[str, Any], package: str, record: Any) -> None:
    return None
