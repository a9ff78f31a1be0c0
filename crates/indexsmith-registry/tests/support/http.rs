//! A minimal blocking HTTP/1.1 client and server over `std::net`, for tests on 127.0.0.1 only.

use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::Arc;

/// The readable body of a response: by `Content-Length`, chunked, or until close.
pub enum BodyReader {
    Empty,
    Length(BufReader<TcpStream>, u64),
    Chunked {
        inner: BufReader<TcpStream>,
        left: u64,
        done: bool,
    },
    Close(BufReader<TcpStream>),
}

impl BodyReader {
    /// True when a body of known length has been read to its end.
    pub fn is_finished(&self) -> bool {
        match self {
            BodyReader::Empty => true,
            BodyReader::Length(_, left) => *left == 0,
            BodyReader::Chunked { done, .. } => *done,
            BodyReader::Close(_) => false,
        }
    }
}

impl Read for BodyReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            BodyReader::Empty => Ok(0),
            BodyReader::Length(r, left) => {
                if *left == 0 {
                    return Ok(0);
                }
                let max = (*left).min(buf.len() as u64) as usize;
                let n = r.read(&mut buf[..max])?;
                if n == 0 {
                    return Err(io::Error::new(
                        io::ErrorKind::UnexpectedEof,
                        "body ended early",
                    ));
                }
                *left -= n as u64;
                Ok(n)
            }
            BodyReader::Chunked { inner, left, done } => {
                if *done {
                    return Ok(0);
                }
                if *left == 0 {
                    let mut line = String::new();
                    inner.read_line(&mut line)?;
                    let size =
                        u64::from_str_radix(line.trim().split(';').next().unwrap_or("").trim(), 16)
                            .map_err(|e| {
                                io::Error::new(
                                    io::ErrorKind::InvalidData,
                                    format!("chunk size {line:?}: {e}"),
                                )
                            })?;
                    if size == 0 {
                        loop {
                            let mut t = String::new();
                            if inner.read_line(&mut t)? == 0 || t.trim().is_empty() {
                                break;
                            }
                        }
                        *done = true;
                        return Ok(0);
                    }
                    *left = size;
                }
                let max = (*left).min(buf.len() as u64) as usize;
                let n = inner.read(&mut buf[..max])?;
                if n == 0 {
                    return Err(io::Error::new(
                        io::ErrorKind::UnexpectedEof,
                        "chunk ended early",
                    ));
                }
                *left -= n as u64;
                if *left == 0 {
                    let mut crlf = String::new();
                    inner.read_line(&mut crlf)?;
                }
                Ok(n)
            }
            BodyReader::Close(r) => r.read(buf),
        }
    }
}

pub struct ClientResponse {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: BodyReader,
}

impl ClientResponse {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn bytes(mut self) -> io::Result<Vec<u8>> {
        let mut out = Vec::new();
        self.body.read_to_end(&mut out)?;
        Ok(out)
    }
}

/// Splits `http://host:port/path` into (`host:port`, `/path`). Only plain HTTP to loopback.
pub fn split(url: &str) -> io::Result<(String, String)> {
    let rest = url.strip_prefix("http://").ok_or_else(|| {
        io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("not a plain http URL: {url}"),
        )
    })?;
    let (authority, path) = match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, "/"),
    };
    let host = authority.rsplit_once(':').map_or(authority, |(h, _)| h);
    if !(host == "localhost" || host.starts_with("127.") || host == "[::1]") {
        return Err(io::Error::new(
            io::ErrorKind::PermissionDenied,
            format!("tests only talk to loopback, not {authority}"),
        ));
    }
    Ok((authority.to_owned(), path.to_owned()))
}

/// Sends one request on a new connection and reads the response head.
pub fn send(
    method: &str,
    url: &str,
    headers: &[(String, String)],
    body: &[u8],
) -> io::Result<ClientResponse> {
    let (authority, path) = split(url)?;
    let stream = TcpStream::connect(&authority)?;
    let mut w = io::BufWriter::new(stream.try_clone()?);
    write!(w, "{method} {path} HTTP/1.1\r\n")?;
    if !headers.iter().any(|(k, _)| k.eq_ignore_ascii_case("host")) {
        write!(w, "Host: {authority}\r\n")?;
    }
    for (k, v) in headers {
        if !k.eq_ignore_ascii_case("content-length") && !k.eq_ignore_ascii_case("connection") {
            write!(w, "{k}: {v}\r\n")?;
        }
    }
    if !body.is_empty() || matches!(method, "PUT" | "POST" | "PATCH") {
        write!(w, "Content-Length: {}\r\n", body.len())?;
    }
    write!(w, "Connection: close\r\n\r\n")?;
    w.write_all(body)?;
    w.flush()?;
    let mut r = BufReader::new(stream);
    let mut status_line = String::new();
    r.read_line(&mut status_line)?;
    let status: u16 = status_line
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| {
            io::Error::new(
                io::ErrorKind::InvalidData,
                format!("bad status line {status_line:?}"),
            )
        })?;
    let headers = read_headers(&mut r)?;
    let find = |name: &str| {
        headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.clone())
    };
    let body = if method == "HEAD" || status == 204 || status == 304 || (100..200).contains(&status)
    {
        BodyReader::Empty
    } else if find("transfer-encoding").is_some_and(|t| t.to_ascii_lowercase().contains("chunked"))
    {
        BodyReader::Chunked {
            inner: r,
            left: 0,
            done: false,
        }
    } else if let Some(len) = find("content-length").and_then(|l| l.trim().parse::<u64>().ok()) {
        BodyReader::Length(r, len)
    } else {
        BodyReader::Close(r)
    };
    Ok(ClientResponse {
        status,
        headers,
        body,
    })
}

fn read_headers(r: &mut impl BufRead) -> io::Result<Vec<(String, String)>> {
    let mut headers = Vec::new();
    loop {
        let mut line = String::new();
        if r.read_line(&mut line)? == 0 {
            break;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some((k, v)) = line.split_once(':') {
            headers.push((k.trim().to_owned(), v.trim().to_owned()));
        }
    }
    Ok(headers)
}

/// A request received by [`serve`].
pub struct ServerRequest {
    pub method: String,
    /// Path and query.
    pub target: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl ServerRequest {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// Query parameters, percent-decoded, in order.
    pub fn query(&self) -> Vec<(String, String)> {
        let q = self.target.split_once('?').map_or("", |(_, q)| q);
        q.split('&')
            .filter(|p| !p.is_empty())
            .map(|p| {
                let (k, v) = p.split_once('=').unwrap_or((p, ""));
                (decode(k), decode(v))
            })
            .collect()
    }
}

fn decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            if let Ok(v) = u8::from_str_radix(&s[i + 1..i + 3], 16) {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(if b[i] == b'+' { b' ' } else { b[i] });
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

pub struct ServerResponse {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

pub type Handler = Arc<dyn Fn(ServerRequest) -> ServerResponse + Send + Sync>;
/// Rewrites an upstream answer.
pub type Fault = Arc<dyn Fn(&ServerRequest, ServerResponse) -> ServerResponse + Send + Sync>;
/// Answers a request instead of forwarding it, when it returns `Some`.
pub type Before = Arc<dyn Fn(&ServerRequest) -> Option<ServerResponse> + Send + Sync>;

/// Serves `handler` on a free 127.0.0.1 port, one thread per connection, for the life of the
/// test process. Returns the port.
pub fn serve(handler: Handler) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind a loopback port");
    let port = listener.local_addr().expect("local address").port();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let handler = handler.clone();
            std::thread::spawn(move || {
                let _ = handle(stream, handler);
            });
        }
    });
    port
}

fn handle(stream: TcpStream, handler: Handler) -> io::Result<()> {
    let mut r = BufReader::new(stream.try_clone()?);
    let mut line = String::new();
    r.read_line(&mut line)?;
    let mut parts = line.split_whitespace();
    let method = parts.next().unwrap_or("").to_owned();
    let target = parts.next().unwrap_or("/").to_owned();
    let headers = read_headers(&mut r)?;
    let len = headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.parse::<usize>().ok())
        .unwrap_or(0);
    let mut body = vec![0; len];
    r.read_exact(&mut body)?;
    let head = method == "HEAD";
    let response = handler(ServerRequest {
        method,
        target,
        headers,
        body,
    });
    let mut w = io::BufWriter::new(stream);
    write!(w, "HTTP/1.1 {} X\r\n", response.status)?;
    let mut has_length = false;
    for (k, v) in &response.headers {
        if k.eq_ignore_ascii_case("transfer-encoding") || k.eq_ignore_ascii_case("connection") {
            continue;
        }
        has_length |= k.eq_ignore_ascii_case("content-length");
        write!(w, "{k}: {v}\r\n")?;
    }
    if !has_length {
        write!(w, "Content-Length: {}\r\n", response.body.len())?;
    }
    write!(w, "Connection: close\r\n\r\n")?;
    if !head {
        w.write_all(&response.body)?;
    }
    w.flush()
}

/// Forwards every request to `upstream` (`127.0.0.1:port`) unchanged, Host header included, and
/// lets `fault` rewrite or replace the answer.
pub fn proxy(upstream: String, fault: Fault) -> u16 {
    proxy_with(upstream, Arc::new(|_: &ServerRequest| None), fault)
}

/// Like [`proxy`], and `before` may answer a request itself without forwarding it.
pub fn proxy_with(upstream: String, before: Before, fault: Fault) -> u16 {
    serve(Arc::new(move |req: ServerRequest| {
        if let Some(answer) = before(&req) {
            return answer;
        }
        let url = format!("http://{upstream}{}", req.target);
        let answer = send(&req.method, &url, &req.headers, &req.body).and_then(|resp| {
            let status = resp.status;
            let headers: Vec<(String, String)> = resp
                .headers
                .iter()
                .filter(|(k, _)| {
                    !k.eq_ignore_ascii_case("transfer-encoding")
                        && !k.eq_ignore_ascii_case("content-length")
                })
                .cloned()
                .collect();
            let len = resp.header("content-length").map(str::to_owned);
            let body = resp.bytes()?;
            let mut headers = headers;
            if req.method == "HEAD" {
                if let Some(l) = len {
                    headers.push(("Content-Length".into(), l));
                }
            }
            Ok(ServerResponse {
                status,
                headers,
                body,
            })
        });
        match answer {
            Ok(r) => fault(&req, r),
            Err(e) => ServerResponse {
                status: 502,
                headers: Vec::new(),
                body: e.to_string().into_bytes(),
            },
        }
    }))
}

pub fn headers(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}
