def {{FN}}() -> None:
    import urllib.request

    request = urllib.request.Request(_setting("{{ENV}}").rstrip("/") + "{{PATH}}", headers=_trace_headers())
    with urllib.request.urlopen(request, timeout=CHECK_TIMEOUT_SECONDS) as response:
        if response.status >= 400:
            raise RuntimeError("HTTP %d" % response.status)
