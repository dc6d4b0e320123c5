from django.urls import path

from notes import views
from ui import views as ui_views

urlpatterns = [
    path("", views.index, name="index"),
    path("notes/", views.create_note, name="create-note"),
    path("healthz/", views.healthz, name="healthz"),
    path("about/", ui_views.about, name="about"),
]
