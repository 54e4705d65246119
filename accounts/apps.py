from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Tài khoản"

    def ready(self) -> None:
        from django.contrib import admin
        from django_otp.admin import OTPAdminSite

        # The default admin site (mounted at /admin/) only admits sessions verified with a
        # second factor; AccountGuardMiddleware redirects unverified staff before that.
        admin.site.__class__ = OTPAdminSite
