def {{FN}}() -> None:
    import redis

    client = redis.Redis.from_url(
        _setting("{{ENV}}"), socket_connect_timeout=CHECK_TIMEOUT_SECONDS, socket_timeout=CHECK_TIMEOUT_SECONDS
    )
    try:
        if not client.ping():
            raise RuntimeError("no PONG")
    finally:
        client.close()
