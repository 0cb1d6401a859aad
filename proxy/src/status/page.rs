//! The status page: one self-contained HTML document (inline CSS, inline SVG charts, no
//! script and no external reference) rendered from a [`Status`], reloading itself
//! every [`REFRESH_SECONDS`].

use std::fmt::Write;

use super::window::Bucket;
use super::{Status, VersionView};

/// Seconds between the page's reloads.
pub const REFRESH_SECONDS: u32 = 5;

const CHART_WIDTH: f64 = 180.0;
const CHART_HEIGHT: f64 = 36.0;

const STYLE: &str = "body{font:14px system-ui,sans-serif;margin:1.5em;color:#222}\
table{border-collapse:collapse;width:100%}\
th,td{border-bottom:1px solid #ddd;padding:.4em .6em;text-align:left;vertical-align:top}\
th{background:#f4f4f4}code{font-size:12px}\
.active{color:#17663a}.deprecated,.sunset{color:#a15c00}.gone,.removed{color:#a11}\
.total{stroke:#2463eb;fill:none}.target{stroke:#e8590c;fill:none}\
span.total{color:#2463eb}span.target{color:#e8590c}\
ol{margin:0;padding-left:1.2em}small{color:#666}";

/// The HTML page of `status`.
pub fn render(status: &Status) -> String {
    let mut html = String::with_capacity(4096 + status.versions.len() * 4096);
    let _ = write!(
        html,
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta http-equiv=\"refresh\" content=\"{REFRESH_SECONDS}\">\
         <title>Switchyard proxy: {environment}</title><style>{STYLE}</style></head><body>\
         <h1>Switchyard proxy</h1>\
         <p>Environment <b>{environment}</b>, bundle <code>{generation}</code>. \
         Traffic over the last {window} minutes in {bucket}-second buckets \
         (<span class=\"total\">&#9632;</span> all, \
         <span class=\"target\">&#9632;</span> release target); \
         clients over the last {clients} minutes. \
         Data: <a href=\"/status.json\">/status.json</a>.</p>",
        environment = escape(&status.environment),
        generation = escape(&status.generation),
        window = status.bucket_seconds * super::BUCKETS as u64 / 60,
        bucket = status.bucket_seconds,
        clients = status.clients_window_seconds / 60,
    );
    html.push_str(
        "<table><thead><tr><th>Service</th><th>Major</th><th>Version</th><th>Status</th>\
         <th>Configured split</th><th>Observed split</th><th>Requests/s</th><th>Traffic</th>\
         <th>Top clients (last hour)</th></tr></thead><tbody>",
    );
    for version in &status.versions {
        row(&mut html, version);
    }
    if status.versions.is_empty() {
        html.push_str("<tr><td colspan=\"9\">No API versions are served.</td></tr>");
    }
    html.push_str("</tbody></table></body></html>");
    html
}

fn row(html: &mut String, version: &VersionView) {
    let _ = write!(
        html,
        "<tr><td>{service}</td><td>v{major}</td><td>{full}</td><td class=\"{status}\">{status}",
        service = escape(&version.service),
        major = version.major,
        full = escape(&version.version),
        status = version.status,
    );
    if let Some(sunset) = &version.sunset {
        let _ = write!(html, "<br><small>sunset {}</small>", escape(sunset));
    }
    html.push_str("</td><td>");
    match &version.release {
        Some(release) => {
            let _ = write!(
                html,
                "{}% target<br><small>{}</small>",
                release.weight,
                escape(&release.task)
            );
        }
        None => html.push_str("&mdash;"),
    }
    html.push_str("</td><td>");
    let observed = &version.observed;
    match observed.target_percent {
        Some(percent) => {
            let _ = write!(
                html,
                "{percent:.1}% target<br><small>{} current, {} target</small>",
                observed.current, observed.target
            );
        }
        None => html.push_str("&mdash;"),
    }
    let _ = write!(html, "</td><td>{:.2}</td><td>", version.requests_per_second);
    chart(html, &version.buckets);
    html.push_str("</td><td>");
    clients(html, version);
    html.push_str("</td></tr>");
}

/// Two polylines (all requests, target side) over the buckets, scaled to the busiest.
fn chart(html: &mut String, buckets: &[Bucket]) {
    let peak = buckets.iter().map(Bucket::total).max().unwrap_or(0).max(1) as f64;
    let step = CHART_WIDTH / buckets.len().saturating_sub(1).max(1) as f64;
    let _ = write!(
        html,
        "<svg width=\"{CHART_WIDTH}\" height=\"{CHART_HEIGHT}\" viewBox=\"0 0 {CHART_WIDTH} {CHART_HEIGHT}\" role=\"img\">"
    );
    for (class, count) in [
        ("total", Bucket::total as fn(&Bucket) -> u64),
        ("target", |bucket: &Bucket| bucket.target),
    ] {
        let _ = write!(html, "<polyline class=\"{class}\" points=\"");
        for (index, bucket) in buckets.iter().enumerate() {
            let x = index as f64 * step;
            let y = CHART_HEIGHT - 1.0 - (CHART_HEIGHT - 2.0) * count(bucket) as f64 / peak;
            let _ = write!(html, "{x:.1},{y:.1} ");
        }
        html.push_str("\"/>");
    }
    html.push_str("</svg>");
}

fn clients(html: &mut String, version: &VersionView) {
    let clients = &version.clients;
    if clients.top.is_empty() {
        html.push_str("<small>no requests</small>");
        return;
    }
    html.push_str("<ol>");
    for client in &clients.top {
        let kind = if client.kind == "api_key" {
            "key"
        } else {
            "address"
        };
        let _ = write!(
            html,
            "<li><small>{kind}</small> <code>{}</code>: {}",
            escape(&client.id),
            client.requests
        );
        if client.error > 0 {
            let _ = write!(html, " <small>(&le; {} over)</small>", client.error);
        }
        html.push_str("</li>");
    }
    let _ = write!(
        html,
        "</ol><small>{} requests; counts within &plusmn;{}</small>",
        clients.total, clients.error_bound
    );
}

/// `text` with `& < > " '` replaced by entities.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for character in text.chars() {
        match character {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::status::{ClientView, Clients, Observed, ReleaseView};

    fn status() -> Status {
        let mut buckets = vec![Bucket::default(); crate::status::window::BUCKETS];
        buckets[80] = Bucket {
            current: 9,
            target: 1,
        };
        Status {
            generation: "sha256:abc".to_owned(),
            environment: "shop<staging>".to_owned(),
            time: 1_700_000_000,
            bucket_seconds: 10,
            clients_window_seconds: 3600,
            clients_capacity: 32,
            versions: vec![VersionView {
                service: "products".to_owned(),
                major: 2,
                version: "2.1".to_owned(),
                status: "sunset",
                sunset: Some("Wed, 31 Dec 2025 23:59:59 GMT".to_owned()),
                release: Some(ReleaseView {
                    task: "new-feature".to_owned(),
                    weight: 10,
                }),
                observed: Observed {
                    current: 9,
                    target: 1,
                    target_percent: Some(10.0),
                },
                requests_per_second: 0.0,
                buckets,
                clients: Clients {
                    total: 10,
                    error_bound: 0,
                    top: vec![ClientView {
                        kind: "api_key",
                        id: "0badf00d".to_owned(),
                        requests: 10,
                        error: 0,
                    }],
                },
            }],
        }
    }

    #[test]
    fn the_page_shows_every_version_and_escapes_bundle_text() {
        let html = render(&status());
        assert!(html.starts_with("<!DOCTYPE html>"));
        assert!(html.contains("shop&lt;staging&gt;"));
        assert!(!html.contains("shop<staging>"));
        assert!(html.contains("<td>products</td><td>v2</td><td>2.1</td>"));
        assert!(html.contains("10% target"));
        assert!(html.contains("10.0% target"));
        assert!(html.contains("0badf00d"));
        assert_eq!(html.matches("<polyline").count(), 2);
        assert!(!html.contains("http://") && !html.contains("https://"));
        assert!(!html.contains("<script"));
    }

    #[test]
    fn the_busiest_bucket_reaches_the_top_of_the_chart() {
        let html = render(&status());
        let x = 80.0 * CHART_WIDTH / 89.0;
        assert!(html.contains(&format!("{x:.1},1.0 ")), "{html}");
    }
}
