from portfolio.models import Portfolio
from reports.market import daily_change
from reports.models import Report


def exposure(portfolio: Portfolio) -> dict:
    total = portfolio.market_value() or 1
    return {h.symbol: float(h.market_value() / total) for h in portfolio.holdings.all()}


def performance(portfolio: Portfolio) -> dict:
    return {h.symbol: daily_change(h.symbol) for h in portfolio.holdings.all()}


def build_report(portfolio: Portfolio, kind: str) -> Report:
    if kind == "exposure":
        payload = exposure(portfolio)
    elif kind == "performance":
        payload = performance(portfolio)
    else:
        payload = {"market_value": str(portfolio.market_value())}
    report, _ = Report.objects.update_or_create(
        portfolio=portfolio, kind=kind, defaults={"payload": payload, "stale": False}
    )
    return report


def invalidate_reports(portfolio_id: int) -> int:
    return Report.objects.filter(portfolio_id=portfolio_id).update(stale=True)
