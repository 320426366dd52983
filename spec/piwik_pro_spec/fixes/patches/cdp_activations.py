"""CDP activations: the doc's ids carry the `settings` path word; name them like the rest."""

OPERATION_NAMES = {
    "GET /api/cdp/settings/v1/app/{app_id}/activation": "list_activations",
    "GET /api/cdp/settings/v1/app/{app_id}/activation/{id}": "get_activation",
    "DELETE /api/cdp/settings/v1/app/{app_id}/activation/{id}": "delete_activation",
}
