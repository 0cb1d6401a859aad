//! The headers every response of a version carries: `x-api-version`, and on deprecated
//! versions `Deprecation` (RFC 9745), `Sunset` (RFC 8594) and a `Link` to the successor.
//!
//! The values are the ones the Switchyard proxy sends, so clients see the same
//! answers whichever data plane serves them.

use switchyard_schemas::bundle::{ApiVersion, ServedStatus};
use switchyard_schemas::manifest::CalendarDate;

use crate::resource::Header;

/// Response headers for one served version, in a fixed order.
pub(crate) fn response_headers(api: &ApiVersion) -> Vec<Header> {
    let mut headers = vec![Header {
        name: "x-api-version",
        value: api.version.clone(),
    }];
    if api.status != ServedStatus::Deprecated {
        return headers;
    }
    headers.push(Header {
        name: "Deprecation",
        value: "true".to_owned(),
    });
    if let Some(sunset) = api.sunset {
        headers.push(Header {
            name: "Sunset",
            value: http_date(sunset),
        });
    }
    if let Some(successor) = &api.successor {
        headers.push(Header {
            name: "Link",
            value: format!("<{successor}>; rel=\"successor-version\""),
        });
    }
    headers
}

/// The IMF-fixdate of midnight UTC starting `date`, e.g. `Wed, 30 Jun 2027 00:00:00 GMT`.
fn http_date(date: CalendarDate) -> String {
    const WEEKDAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    // 1970-01-01 was a Thursday; rem_euclid keeps dates before 1970 right too.
    let weekday = WEEKDAYS[date.days_since_epoch().rem_euclid(7) as usize];
    let month = MONTHS[usize::from(date.month.clamp(1, 12) - 1)];
    format!(
        "{weekday}, {:02} {month} {:04} 00:00:00 GMT",
        date.day, date.year
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn http_dates_name_the_right_weekday() {
        let date = |y, m, d| CalendarDate::new(y, m, d).expect("valid date");
        assert_eq!(
            http_date(date(2027, 6, 30)),
            "Wed, 30 Jun 2027 00:00:00 GMT"
        );
        assert_eq!(http_date(date(1970, 1, 1)), "Thu, 01 Jan 1970 00:00:00 GMT");
        assert_eq!(
            http_date(date(2028, 2, 29)),
            "Tue, 29 Feb 2028 00:00:00 GMT"
        );
    }
}
