"""The form builder's pages, under /staff/services/<slug>/form/ (in the builder namespace)."""

from django.urls import path

from townhall.desk import form_builder_views

urlpatterns = [
    path("", form_builder_views.form_pages, name="form"),
    path("preview/", form_builder_views.form_preview, name="form_preview"),
]
