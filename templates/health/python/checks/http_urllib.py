def {{FN}}() -> None:
    import urllib.request

    with urllib.request.urlopen(_setting("{{ENV}}").rstrip("/") + "{{PATH}}", timeout=CHECK_TIMEOUT_SECONDS) as response:
        if response.status >= 400:
            raise RuntimeError("HTTP %d" % response.status)
