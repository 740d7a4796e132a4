from django.urls import path

from . import my_data_views, registration_views, views

app_name = "accounts"
urlpatterns = [
    path("sign-in/", views.SignInView.as_view(), name="sign_in"),
    path("sign-out/", views.SignOutView.as_view(), name="sign_out"),
    path("sign-up/", registration_views.sign_up, name="sign_up"),
    path("sign-up/check-your-email/", registration_views.check_email, name="check_email"),
    path("sign-up/new-link/", registration_views.resend_verification, name="resend_verification"),
    path("confirm-email/<str:uidb64>/<str:token>/", registration_views.verify_email, name="verify_email"),
    path("password-reset/", registration_views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "password-reset/sent/", registration_views.PasswordResetDoneView.as_view(), name="password_reset_done"
    ),
    path(
        "password-reset/done/",
        registration_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path(
        "password-reset/<str:uidb64>/<str:token>/",
        registration_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("password/", my_data_views.change_password, name="password_change"),
    path("my-data/", my_data_views.my_data, name="my_data"),
    path("my-data/close/", my_data_views.close_account, name="close_account"),
    path("closed/", my_data_views.account_closed, name="account_closed"),
    path("two-factor/set-up/", views.two_factor_setup, name="two_factor_setup"),
    path("two-factor/replace/", views.two_factor_replace, name="two_factor_replace"),
    path("two-factor/verify/", views.two_factor_verify, name="two_factor_verify"),
    path("", views.account, name="account"),
]
