def {{FN}}() -> None:
    import socket
    import ssl
    from urllib.parse import urlsplit

    url = urlsplit(_setting("{{ENV}}"))
    tls = url.scheme == "amqps"
    sock = socket.create_connection((url.hostname or "localhost", url.port or (5671 if tls else 5672)), timeout=CHECK_TIMEOUT_SECONDS)
    try:
        if tls:
            sock = ssl.create_default_context().wrap_socket(sock, server_hostname=url.hostname)
        sock.settimeout(CHECK_TIMEOUT_SECONDS)
        # AMQP 0-9-1 protocol header; a broker answers with a Connection.Start method frame (type 1).
        sock.sendall(b"AMQP\x00\x00\x09\x01")
        if sock.recv(1) != b"\x01":
            raise RuntimeError("no AMQP 0-9-1 Connection.Start")
    finally:
        sock.close()
