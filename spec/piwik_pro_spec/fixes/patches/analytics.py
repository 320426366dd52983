"""Analytics queries: POSTs that read data, not create it."""

OPERATION_NAMES = {
    "POST /api/analytics/v1/query/": "execute_query",
    "POST /api/analytics/v1/real-time-query/": "execute_real_time_query",
    "POST /api/analytics/v1/sessions/": "fetch_sessions",
    "POST /api/analytics/v1/events/": "fetch_events",
    "POST /api/analytics/v1/real-time-events/": "fetch_real_time_events",
}
