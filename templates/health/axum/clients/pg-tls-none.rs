    if requires_tls(&mode) {
        return Err(no_tls_client(&mode));
    }
    let tls = {{CRATE}}::NoTls;
