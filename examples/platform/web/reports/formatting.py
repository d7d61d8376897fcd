import csv
import io

from reports.models import Report


def to_csv(report: Report) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["key", "value"])
    for key, value in sorted(report.payload.items()):
        writer.writerow([key, value])
    return out.getvalue()
