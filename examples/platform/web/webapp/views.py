from django.http import JsonResponse


def index(request):
    return JsonResponse({"service": "web", "apps": ["portfolio", "reports"]})


def healthz(request):
    return JsonResponse({"ok": True})
