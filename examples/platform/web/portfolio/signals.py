from django.db.models.signals import post_save
from django.dispatch import receiver

from portfolio.models import Holding
from reports.services import invalidate_reports


@receiver(post_save, sender=Holding)
def holding_saved(sender, instance: Holding, **kwargs):
    invalidate_reports(instance.portfolio_id)
