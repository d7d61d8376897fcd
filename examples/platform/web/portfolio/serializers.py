from rest_framework import serializers

from portfolio.models import Holding, Portfolio


class HoldingSerializer(serializers.ModelSerializer):
    class Meta:
        model = Holding
        fields = ["id", "portfolio", "symbol", "quantity", "last_price"]


class PortfolioSerializer(serializers.ModelSerializer):
    holdings = HoldingSerializer(many=True, read_only=True)

    class Meta:
        model = Portfolio
        fields = ["id", "name", "owner", "base_currency", "holdings"]
