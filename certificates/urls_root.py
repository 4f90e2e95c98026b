"""Documents with one address whatever the language (included outside i18n_patterns).

did:web resolution fetches ``/.well-known/did.json`` at the origin's root, and
credential ids, status-list URLs and the verification API are signed into or
used by other software: they never move.
"""

from django.urls import path

from certificates import views

urlpatterns = [
    path(".well-known/did.json", views.did_json, name="did_document"),
    path("status/<int:number>", views.status_list_json, name="status_list"),
    path(
        "credentials/<uuid:certificate_id>",
        views.credential_json,
        name="credential_json",
    ),
    path("api/verify", views.api_verify, name="api_verify"),
]
