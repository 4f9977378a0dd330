from django.urls import path

from townhall.desk import records_views as views

app_name = "records_desk"
urlpatterns = [
    path("", views.index, name="index"),
    path("persons/<int:person_id>/", views.person_detail, name="person"),
    path("persons/<int:person_id>/split/", views.person_split_view, name="person_split"),
    path("persons/<int:person_id>/merge/", views.person_merge_view, name="person_merge"),
    path("review/", views.review_queue, name="review"),
    path("review/<int:link_id>/", views.review_link, name="review_link"),
    path("forensics/", views.forensics, name="forensics"),
    path("quality/", views.quality, name="quality"),
    path("sources/", views.sources, name="sources"),
    path("sources/<int:source_id>/", views.source_detail, name="source"),
    path("sources/<int:source_id>/import/", views.source_import, name="source_import"),
]
