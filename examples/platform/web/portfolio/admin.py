from django.contrib import admin

from portfolio.models import Holding, Portfolio


class HoldingInline(admin.TabularInline):
    model = Holding
    extra = 0


@admin.register(Portfolio)
class PortfolioAdmin(admin.ModelAdmin):
    list_display = ["name", "owner", "base_currency"]
    inlines = [HoldingInline]
