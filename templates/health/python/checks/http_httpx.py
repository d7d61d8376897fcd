def {{FN}}() -> None:
    import httpx

    response = httpx.get(_setting("{{ENV}}").rstrip("/") + "{{PATH}}", timeout=CHECK_TIMEOUT_SECONDS, headers=_trace_headers())
    if response.status_code >= 400:
        raise RuntimeError("HTTP %d" % response.status_code)
