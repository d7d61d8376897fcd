from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.csrf import csrf_exempt

from portfolio.models import Portfolio
from reports.formatting import to_csv
from reports.models import Report
from reports.services import build_report


class ReportListView(View):
    def get(self, request):
        reports = Report.objects.select_related("portfolio").order_by("-generated_at")[:50]
        return JsonResponse(
            {"reports": [{"id": r.pk, "portfolio": r.portfolio.name, "kind": r.kind, "stale": r.stale} for r in reports]}
        )


@method_decorator(csrf_exempt, name="dispatch")  # called by the scheduler, not by browsers
class GenerateReportView(View):
    def post(self, request, portfolio_id: int, kind: str):
        report = build_report(get_object_or_404(Portfolio, pk=portfolio_id), kind)
        return JsonResponse({"id": report.pk, "payload": report.payload}, status=201)


def report_csv(request, pk: int):
    report = get_object_or_404(Report, pk=pk)
    return HttpResponse(to_csv(report), content_type="text/csv")
