    // As libpq: require encrypts without checking the certificate; verify-ca checks it against the
    // system's roots, verify-full also the host name. tokio-postgres itself parses only up to "require".
    let connector = {{BASE}}::TlsConnector::builder()
        .danger_accept_invalid_certs(!mode.starts_with("verify-"))
        .danger_accept_invalid_hostnames(mode != "verify-full")
        .build()
        .map_err(|_| failed("TLS setup failed"))?;
    let tls = {{ADAPTER}}::MakeTlsConnector::new(connector);
    let url = if mode.starts_with("verify-") { url.replacen(&format!("sslmode={mode}"), "sslmode=require", 1) } else { url };
