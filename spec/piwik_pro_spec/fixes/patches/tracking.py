"""Tracking endpoint: one hit per GET, a batch of hits per POST."""

OPERATION_NAMES = {
    "GET /ppms.php": "track",
    "POST /ppms.php": "track_bulk",
}
