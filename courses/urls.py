from django.urls import path

from courses import views

urlpatterns = [
    path("my-learning/", views.dashboard, name="dashboard"),
]
