//! A native [`Transport`] over reqwest: rustls with the platform's roots, no redirects followed
//! (the operations follow them, keeping credentials on their host), bodies streamed both ways.
//! Runs on a tokio runtime (a current-thread one is enough).

use super::{Incoming, Outgoing, OutgoingBody, ResponseBody, Transport};
use crate::http::{FailureKind, Method, TransportFailure};
use futures::StreamExt;
use std::time::Duration;

/// Sends requests with a [`reqwest::Client`]: one without TLS for `http://` URLs, and one with
/// the platform's roots for `https://` URLs, built on the first such request (reading the
/// platform's certificates costs a command line more than the rest of its start-up, and a call
/// that only talks to loopback registries never needs them).
#[derive(Clone, Debug)]
pub struct NativeTransport {
    plain: reqwest::Client,
    tls: std::sync::OnceLock<Result<reqwest::Client, TransportFailure>>,
    options: NativeOptions,
}

/// Options of a [`NativeTransport`].
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct NativeOptions {
    /// Gives up on a connection that takes longer to open.
    pub connect_timeout: Duration,
    /// Gives up on an answer that sends nothing for this long (reading or writing).
    pub read_timeout: Duration,
    /// The `User-Agent` header.
    pub user_agent: String,
}

impl Default for NativeOptions {
    fn default() -> Self {
        NativeOptions {
            connect_timeout: Duration::from_secs(30),
            read_timeout: Duration::from_secs(120),
            user_agent: format!("indexsmith/{}", env!("CARGO_PKG_VERSION")),
        }
    }
}

impl NativeTransport {
    /// A transport with the default options.
    pub fn new() -> Result<NativeTransport, TransportFailure> {
        NativeTransport::with_options(NativeOptions::default())
    }

    pub fn with_options(options: NativeOptions) -> Result<NativeTransport, TransportFailure> {
        let plain = builder(&options)
            .tls_built_in_root_certs(false)
            .build()
            .map_err(failure)?;
        Ok(NativeTransport {
            plain,
            tls: std::sync::OnceLock::new(),
            options,
        })
    }

    /// The client for `url`: the TLS one (built now if it was not) for `https://`.
    fn client_for(&self, url: &str) -> Result<&reqwest::Client, TransportFailure> {
        if !url.starts_with("https://") {
            return Ok(&self.plain);
        }
        self.tls
            .get_or_init(|| builder(&self.options).build().map_err(failure))
            .as_ref()
            .map_err(Clone::clone)
    }
}

/// How long an idle connection is kept for reuse: less than the 5 s after which common servers
/// (Node's among them) close one, so that no request goes out on a connection being closed under
/// it (a connection reset).
const IDLE_CONNECTION: std::time::Duration = std::time::Duration::from_secs(4);

fn builder(options: &NativeOptions) -> reqwest::ClientBuilder {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .connect_timeout(options.connect_timeout)
        .read_timeout(options.read_timeout)
        .user_agent(options.user_agent.clone())
        .pool_idle_timeout(IDLE_CONNECTION)
}

impl NativeTransport {}

/// The body of an answer: reqwest's, read as it arrives.
#[derive(Debug)]
pub struct NativeBody(reqwest::Response);

impl ResponseBody for NativeBody {
    async fn next_chunk(&mut self) -> Result<Option<Vec<u8>>, TransportFailure> {
        match self.0.chunk().await {
            Ok(chunk) => Ok(chunk.map(|b| b.to_vec())),
            Err(e) => Err(failure(e)),
        }
    }
}

impl Transport for NativeTransport {
    type Body = NativeBody;

    fn now(&self) -> u64 {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs())
    }

    fn streams_uploads(&self) -> bool {
        true
    }

    async fn send(&self, request: Outgoing) -> Result<Incoming<NativeBody>, TransportFailure> {
        let method = match request.method {
            Method::Get => reqwest::Method::GET,
            Method::Head => reqwest::Method::HEAD,
            Method::Post => reqwest::Method::POST,
            Method::Put => reqwest::Method::PUT,
            Method::Patch => reqwest::Method::PATCH,
            Method::Delete => reqwest::Method::DELETE,
        };
        let mut builder = self.client_for(&request.url)?.request(method, &request.url);
        for (name, value) in &request.headers {
            if !name.eq_ignore_ascii_case("content-length") && !name.eq_ignore_ascii_case("host") {
                builder = builder.header(name, value);
            }
        }
        builder = match request.body {
            OutgoingBody::Empty => builder,
            OutgoingBody::Bytes(bytes) => builder.body(bytes),
            OutgoingBody::Stream(stream) => {
                let len = stream.len();
                builder
                    .header("content-length", len.to_string())
                    .body(reqwest::Body::wrap_stream(
                        stream.map(|piece| piece.map(bytes::Bytes::from)),
                    ))
            }
        };
        let response = builder.send().await.map_err(failure)?;
        let headers = response
            .headers()
            .iter()
            .map(|(k, v)| {
                let value = String::from_utf8_lossy(v.as_bytes()).into_owned();
                (k.as_str().to_owned(), value)
            })
            .collect();
        Ok(Incoming {
            status: response.status().as_u16(),
            headers,
            body: NativeBody(response),
        })
    }
}

fn failure(e: reqwest::Error) -> TransportFailure {
    let kind = if e.is_timeout() {
        FailureKind::Timeout
    } else {
        FailureKind::Network
    };
    let mut message = e.to_string();
    let mut source = std::error::Error::source(&e);
    while let Some(cause) = source {
        message.push_str(": ");
        message.push_str(&cause.to_string());
        source = cause.source();
    }
    TransportFailure::new(kind, message)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{BufRead, BufReader, Write};
    use std::net::TcpListener;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;

    /// An HTTP/1.1 server on 127.0.0.1 that keeps every connection open and answers `200 ok` to
    /// each request; returns its address and the count of connections it accepted.
    fn keep_alive_server() -> (String, Arc<AtomicUsize>) {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap().to_string();
        let accepted = Arc::new(AtomicUsize::new(0));
        let count = accepted.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                count.fetch_add(1, Ordering::SeqCst);
                std::thread::spawn(move || {
                    let mut reader = BufReader::new(stream.try_clone().unwrap());
                    let mut writer = stream;
                    let mut line = String::new();
                    loop {
                        line.clear();
                        match reader.read_line(&mut line) {
                            Ok(0) | Err(_) => return,
                            Ok(_) if line == "\r\n" => {
                                let answer = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
                                if writer.write_all(answer.as_bytes()).is_err() {
                                    return;
                                }
                            }
                            Ok(_) => {}
                        }
                    }
                });
            }
        });
        (addr, accepted)
    }

    async fn get(transport: &NativeTransport, url: &str) {
        let answer = transport
            .send(Outgoing {
                method: Method::Get,
                url: url.to_owned(),
                headers: Vec::new(),
                body: OutgoingBody::Empty,
                streams_response: false,
            })
            .await
            .unwrap();
        assert_eq!(answer.status, 200);
    }

    #[tokio::test]
    async fn an_idle_connection_is_reused_only_while_younger_than_servers_keep_it() {
        let (addr, accepted) = keep_alive_server();
        let url = format!("http://{addr}/v2/");
        let transport = NativeTransport::new().unwrap();
        get(&transport, &url).await;
        get(&transport, &url).await;
        assert_eq!(
            accepted.load(Ordering::SeqCst),
            1,
            "back to back: one connection"
        );
        tokio::time::sleep(IDLE_CONNECTION + Duration::from_millis(500)).await;
        get(&transport, &url).await;
        assert_eq!(
            accepted.load(Ordering::SeqCst),
            2,
            "after the idle time: a new connection, not one the server may be closing"
        );
    }
}
