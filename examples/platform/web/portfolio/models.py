from decimal import Decimal

from django.db import models


class Portfolio(models.Model):
    name = models.CharField(max_length=100, unique=True)
    owner = models.CharField(max_length=100)
    base_currency = models.CharField(max_length=3, default="USD")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return self.name

    def market_value(self) -> Decimal:
        return sum((h.market_value() for h in self.holdings.all()), Decimal("0"))


class Holding(models.Model):
    portfolio = models.ForeignKey(Portfolio, on_delete=models.CASCADE, related_name="holdings")
    symbol = models.CharField(max_length=12)
    quantity = models.DecimalField(max_digits=18, decimal_places=4)
    last_price = models.DecimalField(max_digits=18, decimal_places=4, default=Decimal("0"))

    class Meta:
        unique_together = [("portfolio", "symbol")]

    def market_value(self) -> Decimal:
        return self.quantity * self.last_price
