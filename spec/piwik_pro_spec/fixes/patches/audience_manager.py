"""Audience Manager (authorized): names for calls whose paths say little."""

OPERATION_NAMES = {
    "POST /api/audiences/v1/profiles/": "stream_profiles",
}
