from django.db import models


class Report(models.Model):
    KINDS = [("pnl", "Profit and loss"), ("exposure", "Exposure")]

    # String reference: reports does not import portfolio.models here.
    portfolio = models.ForeignKey("portfolio.Portfolio", on_delete=models.CASCADE, related_name="reports")
    kind = models.CharField(max_length=20, choices=KINDS)
    payload = models.JSONField(default=dict)
    stale = models.BooleanField(default=False)
    generated_at = models.DateTimeField(auto_now=True)


class Schedule(models.Model):
    report_kind = models.CharField(max_length=20)
    cron = models.CharField(max_length=50, default="0 6 * * *")
    enabled = models.BooleanField(default=True)
