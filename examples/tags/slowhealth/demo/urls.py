from django.urls import path

from notes import slow, views

# Tag `slowhealth`: the release boots, but /healthz/ answers only after 30 s, longer than any
# sane health timeout: the "health check timing out" fault of the reliability suite.
urlpatterns = [
    path("", views.index, name="index"),
    path("notes/", views.create_note, name="create-note"),
    path("healthz/", slow.healthz, name="healthz"),
]
