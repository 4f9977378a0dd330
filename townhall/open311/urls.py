from django.urls import re_path

from townhall.open311 import views

app_name = "open311"

SUFFIX = r"(?:\.(?P<fmt>json|xml))?$"

urlpatterns = [
    re_path(r"^openapi\.json$", views.openapi, name="openapi"),
    re_path(r"^discovery" + SUFFIX, views.discovery, name="discovery"),
    re_path(r"^services" + SUFFIX, views.service_list, name="services"),
    re_path(r"^services/(?P<code>[^/]+?)" + SUFFIX, views.service_definition, name="service"),
    re_path(r"^requests" + SUFFIX, views.request_list, name="requests"),
    re_path(r"^requests/(?P<reference>[^/]+?)" + SUFFIX, views.request_detail, name="request"),
    re_path(r"^servicerequestupdates" + SUFFIX, views.update_list, name="updates"),
    re_path(r"^tokens/(?P<token>[^/]+?)" + SUFFIX, views.token_detail, name="token"),
    re_path(r"^media/(?P<reference>[^/]+)/(?P<photo_id>[0-9]+)$", views.media, name="media"),
    re_path(r"^(?P<path>.*)$", views.not_found, name="not_found"),
]
