"""CDP log: profiles of one audience version."""

OPERATION_NAMES = {
    "GET /api/cdp/log/v1/app/{app_id}/audience/{audience_id}/version/{audience_version}/profile/count": (
        "count_audience_profiles"
    ),
    "GET /api/cdp/log/v1/app/{app_id}/audience/{audience_id}/version/{audience_version}/profile/last": (
        "list_last_audience_profiles"
    ),
}
