"""Analytics object management."""

OPERATION_NAMES = {
    "GET /api/analytics/v1/manage/custom-dimensions/slots/": "list_custom_dimension_slots",
}
