"""Audience Manager (public): calls about one profile's audiences and attributes."""

OPERATION_NAMES = {
    "GET /audiences/public/api/profiles/{analytics_visitor_id}/audiences/": "list_profile_audiences",
    "GET /audiences/public/api/profiles/{analytics_visitor_id}/audiences/check/": "check_profile_audience",
    "GET /audiences/public/api/profiles/{analytics_visitor_id}/attributes/": "get_profile_attributes",
    "POST /audiences/tracker/attributes/": "update_profile_attributes",
}
