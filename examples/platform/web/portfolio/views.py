from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.views import View
from django.views.generic import ListView

from portfolio.models import Portfolio
from portfolio.services import revalue


class PortfolioListView(ListView):
    model = Portfolio
    template_name = "portfolio/portfolio_list.html"


class PortfolioDetailView(View):
    def get(self, request, pk: int):
        portfolio = get_object_or_404(Portfolio, pk=pk)
        return JsonResponse(
            {
                "id": portfolio.pk,
                "name": portfolio.name,
                "holdings": [
                    {"symbol": h.symbol, "quantity": str(h.quantity)} for h in portfolio.holdings.all()
                ],
            }
        )


def portfolio_value(request, pk: int):
    portfolio = get_object_or_404(Portfolio, pk=pk)
    return JsonResponse({"id": pk, "market_value": str(revalue(portfolio))})
