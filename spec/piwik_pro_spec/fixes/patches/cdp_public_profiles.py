"""CDP public profiles and the data-import webhook (one URL, three methods)."""

OPERATION_NAMES = {
    "POST /api/cdp/profiles/public/v1/app/{app_id}/update-profile": "update_profile_attributes",
    "GET /cdp/webhook/{app_id}/{import_webhook_id}": "send_import_webhook_get",
    "POST /cdp/webhook/{app_id}/{import_webhook_id}": "send_import_webhook_post",
    "PUT /cdp/webhook/{app_id}/{import_webhook_id}": "send_import_webhook_put",
}
