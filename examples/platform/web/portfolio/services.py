from decimal import Decimal

from portfolio.models import Holding, Portfolio
from portfolio.pricing import last_price


def revalue(portfolio: Portfolio) -> Decimal:
    for holding in portfolio.holdings.all():
        holding.last_price = last_price(holding.symbol)
        holding.save(update_fields=["last_price"])
    return portfolio.market_value()


def rebalance(portfolio: Portfolio, targets: dict[str, Decimal]) -> list[Holding]:
    """Set each holding's quantity so its weight matches the target weight."""
    total = revalue(portfolio)
    changed = []
    for holding in portfolio.holdings.all():
        weight = targets.get(holding.symbol)
        if weight is None or holding.last_price == 0:
            continue
        holding.quantity = (total * weight / holding.last_price).quantize(Decimal("0.0001"))
        holding.save(update_fields=["quantity"])
        changed.append(holding)
    return changed
