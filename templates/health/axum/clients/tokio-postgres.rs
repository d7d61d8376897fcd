
/// `SELECT 1` over a fresh {{CRATE_NAME}} connection (no TLS: for sslmode=require, connect with your TLS connector here).
fn postgres_select_1(env: &str) -> Result<(), CheckError> {
    let url = setting(env)?;
    on_runtime(async move {
        let (client, connection) = {{CRATE}}::connect(&url, {{CRATE}}::NoTls).await.map_err(|_| failed("connect failed"))?;
        let driver = tokio::spawn(connection);
        let result = client.simple_query("SELECT 1").await.map(|_| ()).map_err(|_| failed("SELECT 1 failed"));
        drop(client);
        driver.abort();
        result
    })
}
