from django.urls import path

from townhall.api.views import api

# NinjaAPI.urls carries its own namespace ("api"), so reverse("api:case_list") works.
urlpatterns = [path("", api.urls)]
