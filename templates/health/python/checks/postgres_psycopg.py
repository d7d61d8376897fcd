def {{FN}}() -> None:
    import psycopg

    with psycopg.connect(_setting("{{ENV}}"), connect_timeout=max(1, int(CHECK_TIMEOUT_SECONDS))) as conn:
        conn.execute("SELECT 1").fetchone()
