
fn failed(why: &str) -> CheckError {
    CheckError::Failed(why.to_string())
}

/// Runs an async client's check on the server's tokio runtime from the blocking check thread,
/// bounded by CHECK_TIMEOUT without needing tokio's "time" feature.
fn on_runtime<F>(check: F) -> Result<(), CheckError>
where
    F: std::future::Future<Output = Result<(), CheckError>> + Send + 'static,
{
    let handle = tokio::runtime::Handle::try_current().map_err(|_| failed("no tokio runtime"))?;
    let (tx, rx) = std::sync::mpsc::channel();
    let task = handle.spawn(async move {
        let _ = tx.send(check.await);
    });
    match rx.recv_timeout(CHECK_TIMEOUT) {
        Ok(result) => result,
        Err(_) => {
            task.abort();
            Err(failed("timed out"))
        }
    }
}
