from django.urls import path

from courses import views
from courses.invitation_views import invitation_accept_view

urlpatterns = [
    path("my-learning/", views.dashboard, name="dashboard"),
    path(
        "steps/<int:page_id>/complete/", views.step_complete_view, name="step_complete"
    ),
    path("search/", views.search, name="search"),
    path(
        "invitation/<str:token>/",
        invitation_accept_view,
        name="invitation_accept",
    ),
]
