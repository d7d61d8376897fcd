    // As libpq: require encrypts without checking the certificate; verify-ca and verify-full check it
    // against {{ROOTS_NAME}} (rustls checks the host name too). tokio-postgres itself parses only up to "require".
    #[derive(Debug)]
    struct AnyCertificate(std::sync::Arc<{{BASE}}::crypto::CryptoProvider>);
    impl {{BASE}}::client::danger::ServerCertVerifier for AnyCertificate {
        fn verify_server_cert(
            &self,
            _: &{{BASE}}::pki_types::CertificateDer<'_>,
            _: &[{{BASE}}::pki_types::CertificateDer<'_>],
            _: &{{BASE}}::pki_types::ServerName<'_>,
            _: &[u8],
            _: {{BASE}}::pki_types::UnixTime,
        ) -> Result<{{BASE}}::client::danger::ServerCertVerified, {{BASE}}::Error> {
            Ok({{BASE}}::client::danger::ServerCertVerified::assertion())
        }
        fn verify_tls12_signature(
            &self,
            message: &[u8],
            cert: &{{BASE}}::pki_types::CertificateDer<'_>,
            dss: &{{BASE}}::DigitallySignedStruct,
        ) -> Result<{{BASE}}::client::danger::HandshakeSignatureValid, {{BASE}}::Error> {
            {{BASE}}::crypto::verify_tls12_signature(message, cert, dss, &self.0.signature_verification_algorithms)
        }
        fn verify_tls13_signature(
            &self,
            message: &[u8],
            cert: &{{BASE}}::pki_types::CertificateDer<'_>,
            dss: &{{BASE}}::DigitallySignedStruct,
        ) -> Result<{{BASE}}::client::danger::HandshakeSignatureValid, {{BASE}}::Error> {
            {{BASE}}::crypto::verify_tls13_signature(message, cert, dss, &self.0.signature_verification_algorithms)
        }
        fn supported_verify_schemes(&self) -> Vec<{{BASE}}::SignatureScheme> {
            self.0.signature_verification_algorithms.supported_schemes()
        }
    }
    let builder = {{BASE}}::ClientConfig::builder();
    let config = if mode.starts_with("verify-") {
{{VERIFY}}
    } else {
        let provider = {{BASE}}::crypto::CryptoProvider::get_default().cloned().ok_or_else(|| failed("TLS setup failed: no rustls crypto provider"))?;
        builder.dangerous().with_custom_certificate_verifier(std::sync::Arc::new(AnyCertificate(provider))).with_no_client_auth()
    };
    let tls = {{ADAPTER}}::MakeRustlsConnect::new(config);
    let url = if mode.starts_with("verify-") { url.replacen(&format!("sslmode={mode}"), "sslmode=require", 1) } else { url };
