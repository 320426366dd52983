"""Tag Manager: create a tag, publish the draft, wait for the publish operation to finish.

Publishing is asynchronous: the API answers 202 with an operation to poll.
Runs against the sandbox or a real account (PIWIK_PRO_HOST / _CLIENT_ID / _CLIENT_SECRET).
"""

from __future__ import annotations

import os
import time

from piwik_pro import PiwikPro

APP_ID = os.environ.get("PIWIK_PRO_APP_ID", "00000000-0000-4000-8000-000000000001")  # the site/app to change


def wait_for(pp: PiwikPro, operation_id: str, timeout: float = 60.0) -> str:
    """Poll the operation until it completes or fails; return its final state."""
    deadline = time.monotonic() + timeout
    delay = 0.5
    while True:
        operation = pp.tag_manager.operations.get_operation(app_id=APP_ID, operation_id=operation_id)
        state = operation.data.attributes.state
        if state in ("completed", "failed") or time.monotonic() > deadline:
            return str(state)
        time.sleep(delay)
        delay = min(delay * 2, 5.0)


def main() -> None:
    with PiwikPro.from_env() as pp:
        # The create-tag body is one of many tag templates, each its own model: here a custom tag.
        custom_tag = {
            "data": {
                "type": "tag",
                "attributes": {
                    "name": "Hello from the examples",
                    "template": "custom_tag",
                    "tag_type": "async",
                    "code": "<script>console.log('hello');</script>",
                    "consent_type": "not_require_consent",
                },
            }
        }
        tag = pp.tag_manager.tags.create_tag(app_id=APP_ID, body=custom_tag)
        print(f"created tag {tag.data.attributes.name!r}: {tag.data.id}")

        published = pp.tag_manager.versions.publish_draft_version(app_id=APP_ID)
        operation_id = published.data.relationships.operation.data.id
        print(f"publishing the draft: operation {operation_id}")

        state = wait_for(pp, operation_id)
        print(f"publish {state}")
        if state != "completed":
            raise SystemExit(1)


if __name__ == "__main__":
    main()
