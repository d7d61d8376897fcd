from django.urls import path, re_path

from reports import views

urlpatterns = [
    path("", views.ReportListView.as_view(), name="report-list"),
    path("generate/<int:portfolio_id>/<slug:kind>/", views.GenerateReportView.as_view(), name="report-generate"),
    re_path(r"^(?P<pk>[0-9]+)\.csv$", views.report_csv, name="report-csv"),
]
