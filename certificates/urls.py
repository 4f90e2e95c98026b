"""Pages in the visitor's language (included inside i18n_patterns)."""

from django.urls import path

from certificates import views

urlpatterns = [
    path("v/", views.verify_form, name="certificate_verify_form"),
    path("v/<str:code>", views.verify_certificate, name="certificate_verify"),
    path(
        "certificates/<uuid:certificate_id>/pdf",
        views.certificate_pdf,
        name="certificate_pdf",
    ),
    path(
        "certificates/<uuid:certificate_id>/credential.json",
        views.certificate_credential_download,
        name="certificate_credential_download",
    ),
]
