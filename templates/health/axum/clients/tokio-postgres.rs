
/// `SELECT 1` over a fresh {{CRATE_NAME}} connection, with TLS as the URL's sslmode asks ({{TLS_NAME}}).
fn postgres_select_1(env: &str) -> Result<(), CheckError> {
    let url = setting(env)?;
    let mode = sslmode(&url);
{{TLS}}
    on_runtime(async move {
        let (client, connection) = {{CRATE}}::connect(&url, tls).await.map_err(postgres_connect_error)?;
        let driver = tokio::spawn(connection);
        let result = client.simple_query("SELECT 1").await.map(|_| ()).map_err(|_| failed("SELECT 1 failed"));
        drop(client);
        driver.abort();
        result
    })
}
