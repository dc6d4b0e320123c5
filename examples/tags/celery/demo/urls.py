from django.urls import path

from notes import jobs, views

urlpatterns = [
    path("", views.index, name="index"),
    path("notes/", views.create_note, name="create-note"),
    path("jobs/", jobs.enqueue, name="enqueue-job"),
    path("healthz/", views.healthz, name="healthz"),
]
