"""CDP attributes."""

OPERATION_NAMES = {
    "GET /api/cdp/settings/v1/app/{app_id}/attribute": "list_attributes",
    "POST /api/cdp/settings/v1/app/{app_id}/attribute/bulk": "create_attributes_bulk",
}
