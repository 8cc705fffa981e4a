//! Typed configuration: flags and `SIANG_*` environment variables. The only
//! place that reads the environment.

use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

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

    /// Wrong staff passwords allowed per user name and client address in 15
    /// minutes before each further attempt waits, twice as long each time
    /// (four times as many per address). See SECURITY.md.
    #[arg(long, env = "SIANG_LOGIN_FREE_FAILURES", default_value_t = 5)]
    pub login_free_failures: u32,

    /// Served over HTTPS (directly or behind a TLS proxy): marks cookies
    /// `Secure` (named `__Host-…`) and sends `Strict-Transport-Security`.
    /// Takes true/false, 1/0, yes/no, on/off in any case.
    #[arg(
        long,
        env = "SIANG_SECURE_COOKIES",
        default_value = "false",
        num_args = 0..=1,
        require_equals = true,
        default_missing_value = "true",
        value_parser = parse_switch
    )]
    pub secure_cookies: bool,

    /// The portal's public address (`https://siang.example.go.th`, or under
    /// the agency's website: `https://www.example.go.th/voice/`). Every link,
    /// redirect, feed and export is then absolute to it, and the portal
    /// serves under its path (the proxy passes the path on unchanged; see
    /// `public_url`). Without it links stay paths, and feeds and receipts
    /// are made from the request's `Host`.
    #[arg(long, env = "SIANG_PUBLIC_URL", value_parser = crate::public_url::PublicUrl::parse)]
    pub public_url: Option<crate::public_url::PublicUrl>,

    /// Sites allowed to show the widgets (`/widgets/...`) in a frame, besides
    /// the portal's own origin: origins such as `https://www.example.go.th`,
    /// separated by commas or spaces. Every other page refuses framing.
    #[arg(long, env = "SIANG_FRAME_ANCESTORS", value_parser = parse_frame_ancestors, default_value = "")]
    pub frame_ancestors: FrameAncestors,

    /// Largest request body accepted, in bytes; larger ones get 413.
    #[arg(long, env = "SIANG_MAX_BODY_BYTES", default_value_t = 256 * 1024)]
    pub max_body_bytes: usize,

    /// Seconds a request may take from its headers to its answer; then 408.
    #[arg(long, env = "SIANG_REQUEST_TIMEOUT_SECS", default_value = "30", value_parser = parse_seconds)]
    pub request_timeout: Duration,

    /// Seconds a client has to send a request's headers before the connection
    /// is closed (stops slow-header clients from holding connections).
    #[arg(long, env = "SIANG_HEADER_TIMEOUT_SECS", default_value = "10", value_parser = parse_seconds)]
    pub header_timeout: Duration,

    /// Requests served at the same time; more get 503 at once instead of
    /// queueing until everyone times out.
    #[arg(long, env = "SIANG_MAX_CONCURRENT_REQUESTS", default_value_t = 256, value_parser = at_least_one)]
    pub max_concurrent_requests: usize,

    /// Directory of stored files (evidence photos and documents), by their
    /// SHA-256. Several instances must share it. Default: `files` beside a
    /// SQLite database, `data/files` in the working directory otherwise.
    #[arg(long, env = "SIANG_FILES_DIR")]
    pub files_dir: Option<std::path::PathBuf>,

    /// Redis (`redis://127.0.0.1:6379/0`) where the submission and tracking
    /// limits are counted, so they hold across several instances. Without it
    /// each process counts its own (right for a single instance).
    #[arg(long = "redis-url", env = "SIANG_REDIS_URL", value_parser = parse_redis_url)]
    pub redis: Option<redis::Client>,

    /// A PostgreSQL hot standby (`postgres://…`) that serves public pages
    /// which only read (log, statistics, plan, the public API's reads).
    /// Writes, staff pages and a resident's own submission stay on the
    /// primary; while the standby is unreachable or far behind, reads go
    /// to the primary too.
    #[arg(long = "read-database-url", env = "SIANG_READ_DATABASE_URL", hide_env_values = true)]
    pub read_database_url: Option<String>,
    /// Where stored files live, as a URL; supersedes `SIANG_FILES_DIR`:
    /// `file:///var/lib/siang/files`, or `s3://bucket/prefix` (S3 or an
    /// S3-compatible service, configured by the usual `AWS_*` variables).
    #[arg(long, env = "SIANG_FILES_URL")]
    pub files_url: Option<url::Url>,

    /// The SMTP server e-mail goes through: `smtp://host:25`,
    /// `smtp://user:password@host:587?tls=required`, `smtps://host:465`.
    /// Without it no e-mail is sent (nor enqueued).
    #[arg(long, env = "SIANG_SMTP_URL", hide_env_values = true)]
    pub smtp_url: Option<String>,

    /// The sender of e-mail: `name@example.go.th` or `ชื่อ <name@example.go.th>`.
    /// Needed with `SIANG_SMTP_URL`.
    #[arg(long, env = "SIANG_MAIL_FROM")]
    pub mail_from: Option<String>,

    #[command(flatten)]
    pub line: LineConfig,
}

/// The agency's LINE Official Account (Messaging API channel); without the
/// channel secret the LINE webhook is off.
#[derive(Debug, Clone, Args)]
pub struct LineConfig {
    /// The channel secret: webhooks signed with it are believed.
    #[arg(long = "line-channel-secret", env = "SIANG_LINE_CHANNEL_SECRET", hide_env_values = true)]
    pub channel_secret: Option<String>,

    /// The long-lived channel access token, for replies, pushes and content.
    #[arg(long = "line-channel-token", env = "SIANG_LINE_CHANNEL_TOKEN", hide_env_values = true)]
    pub channel_token: Option<String>,

    /// The Messaging API's address.
    #[arg(long = "line-api-base", env = "SIANG_LINE_API_BASE", default_value = LINE_API)]
    pub api_base: String,

    /// Where message content (photos) is fetched. Default: LINE's data
    /// server with LINE's API, else the same address as the API.
    #[arg(long = "line-data-api-base", env = "SIANG_LINE_DATA_API_BASE")]
    pub data_api_base: Option<String>,
}

const LINE_API: &str = "https://api.line.me";

impl LineConfig {
    /// The channel's settings for tests, talking to a LINE stand-in at `api_base`.
    pub fn for_tests(secret: &str, token: &str, api_base: &str) -> Self {
        Self {
            channel_secret: Some(secret.to_owned()),
            channel_token: Some(token.to_owned()),
            api_base: api_base.to_owned(),
            data_api_base: None,
        }
    }

    /// The address of message content.
    pub fn data_base(&self) -> &str {
        match &self.data_api_base {
            Some(base) => base,
            None if self.api_base.trim_end_matches('/') == LINE_API => "https://api-data.line.me",
            None => &self.api_base,
        }
    }
}

fn parse_redis_url(url: &str) -> Result<redis::Client, String> {
    redis::Client::open(url).map_err(|err| format!("{url:?} is not a Redis URL: {err}"))
}

/// A yes-or-no setting in any of the usual spellings, so `=1` or `=TRUE`
/// does not stop the server from starting.
fn parse_switch(value: &str) -> Result<bool, String> {
    match value.trim().to_ascii_lowercase().as_str() {
        "1" | "true" | "yes" | "on" | "y" | "t" => Ok(true),
        "0" | "false" | "no" | "off" | "n" | "f" | "" => Ok(false),
        _ => Err(format!("{value:?} is not a yes-or-no value (true/false, 1/0, yes/no, on/off)")),
    }
}

/// Seconds, fractions allowed (`0.5`), for the timeouts above.
fn parse_seconds(value: &str) -> Result<Duration, String> {
    value
        .parse::<f64>()
        .ok()
        .and_then(|seconds| Duration::try_from_secs_f64(seconds).ok())
        .filter(|duration| !duration.is_zero())
        .ok_or_else(|| format!("{value:?} is not a positive number of seconds"))
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
            login_free_failures: 1000,
            secure_cookies: false,
            public_url: None,
            frame_ancestors: FrameAncestors::default(),
            max_body_bytes: 256 * 1024,
            request_timeout: Duration::from_secs(30),
            header_timeout: Duration::from_secs(10),
            max_concurrent_requests: 256,
            files_dir: None,
            smtp_url: None,
            mail_from: None,
            line: LineConfig {
                channel_secret: None,
                channel_token: None,
                api_base: LINE_API.to_owned(),
                data_api_base: None,
            },
            files_url: None,
            redis: None,
            read_database_url: None,
        }
    }
}

/// The origins of `SIANG_FRAME_ANCESTORS`, each checked to be one CSP
/// source (`https://www.example.go.th`, `https://*.example.go.th`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FrameAncestors(pub Vec<String>);

fn parse_frame_ancestors(text: &str) -> Result<FrameAncestors, String> {
    let mut origins = Vec::new();
    for source in text.split([',', ' ', '\t', '\n']).map(str::trim).filter(|s| !s.is_empty()) {
        let (scheme, host) = source.split_once("://").ok_or_else(|| format!("{source:?} needs https:// or http://"))?;
        let host = host.strip_suffix('/').unwrap_or(host);
        let host_ok = !host.is_empty()
            && host
                .bytes()
                .enumerate()
                .all(|(i, b)| b.is_ascii_alphanumeric() || b"-.:".contains(&b) || (i == 0 && b == b'*'));
        if !matches!(scheme, "https" | "http") || !host_ok {
            return Err(format!("{source:?} is not an origin such as https://www.example.go.th"));
        }
        origins.push(format!("{scheme}://{}", host.to_ascii_lowercase()));
    }
    Ok(FrameAncestors(origins))
}

/// A count that must allow something: zero would refuse every request.
fn at_least_one(text: &str) -> Result<usize, String> {
    match text.parse::<usize>() {
        Ok(0) => Err("must be at least 1".into()),
        Ok(n) => Ok(n),
        Err(err) => Err(err.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use crate::cli::Cli;

    #[test]
    fn secure_cookies_take_the_usual_spellings_of_yes_and_no() {
        for (given, expected) in
            [("1", true), ("yes", true), ("on", true), ("TRUE", true), ("0", false), ("Off", false), ("no", false)]
        {
            let cli = Cli::try_parse_from(["siang", &format!("--secure-cookies={given}")]).unwrap();
            assert_eq!(cli.server.secure_cookies, expected, "{given}");
        }
        let flag = Cli::try_parse_from(["siang", "--secure-cookies", "serve"]).unwrap();
        assert!(flag.server.secure_cookies && flag.command.is_some());
        assert!(!Cli::try_parse_from(["siang"]).unwrap().server.secure_cookies);
        assert!(Cli::try_parse_from(["siang", "--secure-cookies=maybe"]).is_err());

        // The environment variable, as the finding met it (no other test reads it).
        std::env::set_var("SIANG_SECURE_COOKIES", "1");
        let from_env = Cli::try_parse_from(["siang"]).map(|cli| cli.server.secure_cookies);
        std::env::remove_var("SIANG_SECURE_COOKIES");
        assert!(from_env.unwrap());
    }

    #[test]
    fn frame_ancestors_are_origins() {
        let parsed =
            super::parse_frame_ancestors("https://www.example.go.th, https://*.example.go.th/ http://Intra.local:8080")
                .unwrap();
        assert_eq!(parsed.0, ["https://www.example.go.th", "https://*.example.go.th", "http://intra.local:8080"]);
        for wrong in
            ["www.example.go.th", "https://a.example/path", "'none'", "https://a.example;script-src *", "data:"]
        {
            assert!(super::parse_frame_ancestors(wrong).is_err(), "{wrong}");
        }
        assert!(super::parse_frame_ancestors("").unwrap().0.is_empty());
    }
}
