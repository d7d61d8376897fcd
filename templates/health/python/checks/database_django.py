def {{FN}}() -> None:
    from django.db import connections

    try:
        with connections["{{ALIAS}}"].cursor() as cur:
            cur.execute("SELECT 1")
            cur.fetchone()
    finally:
        # Django connections are per thread; this one belongs to the check pool.
        connections["{{ALIAS}}"].close()
