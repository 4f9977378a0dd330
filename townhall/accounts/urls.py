from django.urls import path

from townhall.accounts import two_factor_views, views

app_name = "accounts"

urlpatterns = [
    path("sign-in/", views.sign_in, name="sign_in"),
    path("two-factor/setup/", two_factor_views.two_factor_setup, name="two_factor_setup"),
    path("two-factor/", two_factor_views.two_factor_verify, name="two_factor_verify"),
    path("sign-in/email-link/", views.magic_link_request, name="magic_link_request"),
    path("sign-in/email-link/sent/", views.magic_link_sent, name="magic_link_sent"),
    path("sign-in/link/<str:token>/", views.magic_link_sign_in, name="magic_link_sign_in"),
    path("sign-out/", views.sign_out, name="sign_out"),
    path("register/", views.register, name="register"),
    path("register/check-email/", views.register_check_email, name="register_check_email"),
    path("verify-email/resend/", views.verify_email_resend, name="verify_email_resend"),
    path("verify-email/<str:token>/", views.verify_email, name="verify_email"),
    path("reset-password/", views.password_reset, name="password_reset"),
    path("reset-password/sent/", views.password_reset_sent, name="password_reset_sent"),
    path("reset-password/done/", views.password_reset_complete, name="password_reset_complete"),
    path(
        "reset-password/<uidb64>/<token>/",
        views.password_reset_confirm,
        name="password_reset_confirm",
    ),
    path("session/status/", views.session_status, name="session_status"),
    path("session/extend/", views.session_extend, name="session_extend"),
    path("preferences/", views.preferences, name="preferences"),
    path("your-details/", views.details, name="details"),
]
