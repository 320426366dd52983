"""Tag Manager tags."""

OPERATION_NAMES = {
    "PATCH /api/tag/v1/{app_id}/tags": "update_tags_order",
}
