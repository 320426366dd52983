"""Users: the invite and the `me` calls."""

OPERATION_NAMES = {
    "POST /api/users/v2/invite": "invite_user",
    "PATCH /api/users/v2/{userId}/change-role": "change_user_role",
    "PATCH /api/users/v2/me/change-password": "change_my_password",
    "GET /api/users/v2/me/details": "get_my_details",
}
