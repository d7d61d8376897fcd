from portfolio.models import Portfolio
from reports.models import Report


def exposure(portfolio: Portfolio) -> dict:
    total = portfolio.market_value() or 1
    return {h.symbol: float(h.market_value() / total) for h in portfolio.holdings.all()}


def build_report(portfolio: Portfolio, kind: str) -> Report:
    payload = exposure(portfolio) if kind == "exposure" else {"market_value": str(portfolio.market_value())}
    report, _ = Report.objects.update_or_create(
        portfolio=portfolio, kind=kind, defaults={"payload": payload, "stale": False}
    )
    return report


def invalidate_reports(portfolio_id: int) -> int:
    return Report.objects.filter(portfolio_id=portfolio_id).update(stale=True)
