
/// `SELECT 1` over a fresh sqlx PgConnection, outside the app's pool so a full pool does not fail the probe.
/// {{TLS_NOTE}}
fn postgres_select_1(env: &str) -> Result<(), CheckError> {
    let url = setting(env)?;
{{TLS_GUARD}}    on_runtime(async move {
        use {{CRATE}}::Connection;
        let mut conn = {{CRATE}}::postgres::PgConnection::connect(&url).await.map_err(postgres_connect_error)?;
        let result = {{CRATE}}::query("SELECT 1").execute(&mut conn).await.map(|_| ()).map_err(|_| failed("SELECT 1 failed"));
        let _ = conn.close().await;
        result
    })
}
