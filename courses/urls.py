from django.urls import path

from courses import views

urlpatterns = [
    path("my-learning/", views.dashboard, name="dashboard"),
    path(
        "steps/<int:page_id>/complete/", views.step_complete_view, name="step_complete"
    ),
    path("search/", views.search, name="search"),
]
