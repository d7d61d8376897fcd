from django.apps import AppConfig


class PortfolioConfig(AppConfig):
    name = "portfolio"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Connect signal receivers (portfolio.signals imports reports.services).
        from portfolio import signals  # noqa: F401
