def {{FN}}() -> None:
    import httpx

    response = httpx.get(_setting("{{ENV}}").rstrip("/") + "{{PATH}}", timeout=CHECK_TIMEOUT_SECONDS)
    if response.status_code >= 400:
        raise RuntimeError("HTTP %d" % response.status_code)
