"""CDP audiences."""

OPERATION_NAMES = {
    "GET /api/cdp/settings/v1/app/{app_id}/audience": "list_audiences",
}
