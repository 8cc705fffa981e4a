//! Typed configuration: flags and `SIANG_*` environment variables. The only
//! place that reads the environment.

use std::net::{IpAddr, SocketAddr};

use clap::Args;

#[derive(Debug, Clone, Args)]
pub struct DatabaseConfig {
    /// Database URL: `sqlite://path?mode=rwc` or `postgres://…`. Default: `siang.db` here.
    #[arg(long = "database-url", env = "SIANG_DATABASE_URL", default_value = "sqlite://siang.db?mode=rwc")]
    pub url: String,
}

#[derive(Debug, Clone, Args)]
pub struct ServerConfig {
    /// Address to listen on.
    #[arg(long, env = "SIANG_ADDR", default_value = "127.0.0.1:8080")]
    pub addr: SocketAddr,

    /// Secret for signing form tokens (at least 32 characters). Without it one
    /// is generated once and kept in the database.
    #[arg(long, env = "SIANG_SECRET", hide_env_values = true)]
    pub secret: Option<String>,

    /// Reverse proxies whose `X-Forwarded-For` is believed (comma separated).
    /// Without it the client address is the socket's peer.
    #[arg(long, env = "SIANG_TRUSTED_PROXIES", value_delimiter = ',')]
    pub trusted_proxies: Vec<IpAddr>,

    /// Submissions accepted per client address per minute (also the burst).
    #[arg(long, env = "SIANG_SUBMIT_PER_MINUTE", default_value_t = 5)]
    pub submit_per_minute: u32,

    /// Tracking look-ups per client address per minute (slows code probing).
    #[arg(long, env = "SIANG_TRACK_PER_MINUTE", default_value_t = 20)]
    pub track_per_minute: u32,

    /// Login attempts per user name per minute (four times as many per address).
    #[arg(long, env = "SIANG_LOGIN_PER_MINUTE", default_value_t = 5)]
    pub login_per_minute: u32,

    /// Mark cookies `Secure` (set when served over HTTPS).
    #[arg(long, env = "SIANG_SECURE_COOKIES", default_value_t = false)]
    pub secure_cookies: bool,
}

impl ServerConfig {
    /// Settings for tests and tools: loopback, generous limits, a fixed secret.
    pub fn for_tests() -> Self {
        Self {
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            secret: Some("test-secret-test-secret-test-secret".into()),
            trusted_proxies: Vec::new(),
            submit_per_minute: 1000,
            track_per_minute: 1000,
            login_per_minute: 1000,
            secure_cookies: false,
        }
    }
}
