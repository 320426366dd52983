"""Tag Manager versions."""

OPERATION_NAMES = {
    "POST /api/tag/v1/{app_id}/versions/{version_id}/export-files": "create_export_file",
}
