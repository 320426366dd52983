"""Tracker debugger: NDJSON streams of debug sessions and anonymized logs."""

OPERATION_NAMES = {
    "GET /api/tracker/v1/debugger": "stream_debug_sessions",
    "GET /api/tracker/v1/logs": "stream_logs",
}
