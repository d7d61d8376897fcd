def {{FN}}() -> None:
    import asyncio

    import aioredis

    async def probe() -> None:
        client = aioredis.from_url(
            _setting("{{ENV}}"), socket_connect_timeout=CHECK_TIMEOUT_SECONDS, socket_timeout=CHECK_TIMEOUT_SECONDS
        )
        try:
            if not await client.ping():
                raise RuntimeError("no PONG")
        finally:
            await client.close()

    asyncio.run(probe())
