//! `bad-endpoint` (SY031): an upstream endpoint is not `host:port`.

use std::net::{Ipv4Addr, Ipv6Addr};

use crate::diagnostic::{At, Diagnostics, Severity};
use crate::rules::{Check, Context, Rule};

/// The rule.
pub static RULE: Rule = Rule {
    code: "SY031",
    name: "bad-endpoint",
    severity: Severity::Error,
    summary: "an upstream endpoint is not `host:port` (IPv4, `[IPv6]` or a DNS name; port 1–65535)",
    explanation: r##"What it checks: every entry of an upstream's `endpoints` is `HOST:PORT`, where HOST is an IPv4 address (`10.0.1.10`), an IPv6 address in brackets (`[2001:db8::1]`) or a DNS name (`mall.internal`: labels of letters, digits and `-`, at most 63 characters each, 253 in all), and PORT is a number from 1 to 65535. No scheme, no path.

Why it matters: the proxy connects to exactly what is written; an endpoint it cannot parse or reach turns every request routed there into a 502, and only after the bundle is live.

Example:
    # wrong
    endpoints = ["http://10.0.1.10:8080", "mall.internal", "[::1]:70000"]
    # right
    endpoints = ["10.0.1.10:8080", "mall.internal:8080", "[::1]:8080"]"##,
};

/// The check.
pub static CHECK: Check = Check { rule: &RULE, run };

fn run(cx: &Context<'_>, out: &mut Diagnostics<'_>) {
    for environment in &cx.model.environments {
        for upstream in &environment.decl.upstreams {
            for endpoint in &upstream.endpoints {
                if let Err(why) = check(&endpoint.value) {
                    out.report(
                        &RULE,
                        At::span(&environment.decl.file, endpoint.span.clone()),
                        format!(
                            "endpoint `{}` of upstream `{}` is not `host:port`: {why}",
                            endpoint.value, upstream.name.value
                        ),
                    )
                    .help("write `HOST:PORT`, e.g. `10.0.1.10:8080`, `[2001:db8::1]:8080` or `mall.internal:8080`");
                }
            }
        }
    }
}

/// Whether an endpoint is `host:port`; the reason when it is not.
fn check(endpoint: &str) -> Result<(), &'static str> {
    if endpoint.contains("://") {
        return Err("no scheme is allowed");
    }
    let (host_ok, port) = if let Some(rest) = endpoint.strip_prefix('[') {
        let (host, after) = rest.split_once(']').ok_or("`[` without `]`")?;
        let port = after.strip_prefix(':').ok_or("no `:PORT` after `]`")?;
        (host.parse::<Ipv6Addr>().is_ok(), port)
    } else {
        let (host, port) = endpoint.rsplit_once(':').ok_or("no `:PORT`")?;
        if host.contains(':') {
            return Err(
                "an IPv6 address needs brackets, e.g. `[::1]:8080`, and no scheme is allowed",
            );
        }
        (host.parse::<Ipv4Addr>().is_ok() || dns_name(host), port)
    };
    if !host_ok {
        return Err("the host is not an IPv4 address, a bracketed IPv6 address or a DNS name");
    }
    let valid_port = !port.is_empty()
        && port.bytes().all(|byte| byte.is_ascii_digit())
        && port.parse::<u16>().is_ok_and(|port| port != 0);
    if valid_port {
        Ok(())
    } else {
        Err("the port is not a number from 1 to 65535")
    }
}

/// A DNS name: dot-separated labels of letters, digits and inner `-` (1–63 characters),
/// at most 253 characters, and a last label that is not all digits (so `10.0.1.300` is
/// no name).
fn dns_name(host: &str) -> bool {
    let labels: Vec<&str> = host.split('.').collect();
    let label_ok = |label: &&str| {
        (1..=63).contains(&label.len())
            && label
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-')
            && !label.starts_with('-')
            && !label.ends_with('-')
    };
    host.len() <= 253
        && labels.iter().all(label_ok)
        && labels
            .last()
            .is_some_and(|last| !last.bytes().all(|b| b.is_ascii_digit()))
}

#[cfg(test)]
mod tests {
    use super::check;

    #[test]
    fn endpoints() {
        for good in [
            "10.0.1.10:8080",
            "[2001:db8::1]:443",
            "mall.internal:1",
            "localhost:65535",
            "a-b.c9:80",
        ] {
            assert_eq!(check(good), Ok(()), "{good}");
        }
        for bad in [
            "10.0.1.10",
            "10.0.1.300:80",
            "http://mall:80",
            "::1:80",
            "[::1]80",
            "[zz]:80",
            "mall:0",
            "mall:65536",
            "mall:+80",
            "mall:",
            ":80",
            "-mall:80",
            "mall..x:80",
            "mall/x:80",
        ] {
            assert!(check(bad).is_err(), "{bad}");
        }
    }
}
