"""Users: the invite and the `me` calls."""

OPERATION_NAMES = {
    "POST /api/users/v2/invite": "invite_user",
    "PATCH /api/users/v2/{userId}/change-role": "change_user_role",
    "PATCH /api/users/v2/me/change-password": "change_my_password",
    "GET /api/users/v2/me/details": "get_my_details",
}

SCHEMA_PATCHES = [
    (
        "/components/schemas/JsonApi_Change_Password/properties/data/allOf/0/properties/attributes",
        {"required": ["currentPassword", "newPassword"]},
        "a password change needs both passwords (the doc's error examples answer either one missing or invalid)",
    ),
]
