"""Container settings: one app setting is deleted like the others are read."""

OPERATION_NAMES = {
    "DELETE /api/container-settings/v1/app/{app_id}/settings/{setting_name}": "delete_app_setting",
}
