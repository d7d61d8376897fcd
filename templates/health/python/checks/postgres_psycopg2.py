def {{FN}}() -> None:
    import psycopg2

    conn = psycopg2.connect(_setting("{{ENV}}"), connect_timeout=max(1, int(CHECK_TIMEOUT_SECONDS)))
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT 1")
            cur.fetchone()
    finally:
        conn.close()
