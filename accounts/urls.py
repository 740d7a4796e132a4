from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("sign-in/", views.SignInView.as_view(), name="sign_in"),
    path("sign-out/", views.SignOutView.as_view(), name="sign_out"),
    path("two-factor/set-up/", views.two_factor_setup, name="two_factor_setup"),
    path("two-factor/replace/", views.two_factor_replace, name="two_factor_replace"),
    path("two-factor/verify/", views.two_factor_verify, name="two_factor_verify"),
    path("", views.account, name="account"),
]
