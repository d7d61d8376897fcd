
/// The sslmode a libpq URL (`?sslmode=require`) or key=value string (`sslmode=require`) asks for; "prefer" when none.
fn sslmode(url: &str) -> String {
    let mut rest = url;
    while let Some(at) = rest.find("sslmode=") {
        let before = rest[..at].chars().last();
        rest = &rest[at + "sslmode=".len()..];
        if matches!(before, None | Some('?') | Some('&') | Some(' ') | Some('\t')) {
            let end = rest.find(['&', ' ', '\t', '#']).unwrap_or(rest.len());
            return rest[..end].trim_matches(['\'', '"']).to_ascii_lowercase();
        }
    }
    "prefer".to_string()
}

/// A check that cannot honour the URL's sslmode says so, and never pretends with a plain connection.
fn requires_tls(mode: &str) -> bool {
    matches!(mode, "require" | "verify-ca" | "verify-full")
}

fn no_tls_client(mode: &str) -> CheckError {
    failed(&format!("sslmode={mode} but the service has no TLS client"))
}

/// A connect error for the report: TLS failures say what failed, by their innermost cause (never the URL);
/// anything else stays "connect failed" (a server's message may name the user).
fn postgres_connect_error<E: std::error::Error>(e: E) -> CheckError {
    let mut chain = vec![e.to_string()];
    let mut cause = e.source();
    while let Some(c) = cause {
        chain.push(c.to_string());
        cause = c.source();
    }
    let text = chain.join(": ");
    if text.contains("does not support TLS") {
        failed("TLS failed: server does not support TLS")
    } else if text.contains("certificate") {
        // The innermost cause names the reason (openssl's "certificate verify failed", rustls's UnknownIssuer, ...).
        let detail: String = if text.contains("certificate verify failed") {
            "certificate verify failed".to_string()
        } else {
            chain.last().map(|m| m.to_string()).unwrap_or_default().chars().take(120).collect()
        };
        failed(&format!("TLS failed: server certificate not accepted ({detail})"))
    } else if text.contains("TLS") || text.contains("handshake") {
        failed("TLS failed: handshake error")
    } else {
        failed("connect failed")
    }
}
