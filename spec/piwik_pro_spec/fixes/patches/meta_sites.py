"""Meta sites."""

OPERATION_NAMES = {
    "GET /api/meta-sites/v1/{meta_site_id}/apps/integrity": "check_meta_site_integrity",
}
