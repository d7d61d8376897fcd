"""REST API for portfolios (Django REST framework)."""

from decimal import Decimal

from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter

from portfolio.models import Holding, Portfolio
from portfolio.serializers import HoldingSerializer, PortfolioSerializer
from portfolio.services import rebalance, revalue


class PortfolioViewSet(viewsets.ModelViewSet):
    queryset = Portfolio.objects.prefetch_related("holdings").order_by("id")
    serializer_class = PortfolioSerializer

    @action(detail=True, methods=["post"])
    def rebalance(self, request, pk=None):
        targets = {k: Decimal(str(v)) for k, v in request.data.get("targets", {}).items()}
        changed = rebalance(self.get_object(), targets)
        return Response(HoldingSerializer(changed, many=True).data)

    @action(detail=True, methods=["get"], url_path="market-value")
    def market_value(self, request, pk=None):
        return Response({"market_value": str(revalue(self.get_object()))})


class HoldingViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Holding.objects.order_by("id")
    serializer_class = HoldingSerializer


router = DefaultRouter()
router.register(r"portfolios", PortfolioViewSet)
router.register(r"holdings", HoldingViewSet)
