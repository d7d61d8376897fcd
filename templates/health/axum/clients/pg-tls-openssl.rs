    // As libpq: require encrypts without checking the certificate; verify-ca checks it against the
    // system's roots, verify-full also the host name. tokio-postgres itself parses only up to "require".
    let mut builder = {{BASE}}::ssl::SslConnector::builder({{BASE}}::ssl::SslMethod::tls()).map_err(|_| failed("TLS setup failed"))?;
    if !mode.starts_with("verify-") {
        builder.set_verify({{BASE}}::ssl::SslVerifyMode::NONE);
    }
    let mut tls = {{ADAPTER}}::MakeTlsConnector::new(builder.build());
    let full = mode == "verify-full";
    tls.set_callback(move |config, _| {
        config.set_verify_hostname(full);
        Ok(())
    });
    let url = if mode.starts_with("verify-") { url.replacen(&format!("sslmode={mode}"), "sslmode=require", 1) } else { url };
