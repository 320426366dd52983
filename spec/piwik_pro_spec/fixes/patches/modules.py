"""Modules."""

OPERATION_NAMES = {
    "POST /api/modules/v1/by-users": "list_modules_for_users",
}
