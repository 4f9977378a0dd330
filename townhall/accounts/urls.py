from django.http import HttpResponse
from django.urls import path

app_name = "accounts"


def _todo(request):  # replaced by the accounts views
    return HttpResponse("")


urlpatterns = [
    path("sign-in/", _todo, name="sign_in"),
    path("sign-out/", _todo, name="sign_out"),
    path("session/status/", _todo, name="session_status"),
    path("session/extend/", _todo, name="session_extend"),
]
