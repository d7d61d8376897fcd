
/// `PING` with redis-rs's blocking connection: checks run on a blocking thread, and this API is the same in every version and feature set.
fn redis_client_ping(env: &str) -> Result<(), CheckError> {
    let client = {{CRATE}}::Client::open(setting(env)?).map_err(|_| failed("invalid URL"))?;
    let mut con = client.get_connection_with_timeout(CHECK_TIMEOUT).map_err(|_| failed("connect failed"))?;
    con.set_read_timeout(Some(CHECK_TIMEOUT)).ok();
    con.set_write_timeout(Some(CHECK_TIMEOUT)).ok();
    let pong: String = {{CRATE}}::cmd("PING").query(&mut con).map_err(|_| failed("PING failed"))?;
    if pong == "PONG" { Ok(()) } else { Err(failed("no PONG")) }
}
