//! URL hosts: whether Google can fetch a persona picture (docs/contract.md#sandbox), and
//! the host a forwarding target trigger reads; the pending action a picture
//! Google cannot fetch opens.

use peeker_partner::model::{Domain, PendingActionType, Provider};

/// Whether a persona picture can be fetched by Google: `null`, `""` and public
/// http(s) URLs can; loopback, private, link-local and `localhost` hosts
/// cannot (docs/contract.md#sandbox).
pub fn picture_is_public(url: Option<&str>) -> bool {
    let Some(url) = url.filter(|u| !u.trim().is_empty()) else {
        return true;
    };
    let Some(host) = host_of(url) else {
        return false; // file:, data:, …
    };
    let host = host.trim_end_matches('.');
    if host.is_empty()
        || host == "localhost"
        || host.ends_with(".localhost")
        || host.ends_with(".local")
        || host.ends_with(".internal")
    {
        return false;
    }
    match host.parse::<std::net::IpAddr>() {
        Ok(std::net::IpAddr::V4(ip)) => {
            !(ip.is_loopback()
                || ip.is_private()
                || ip.is_link_local()
                || ip.is_unspecified()
                || ip.is_broadcast()
                || ip.octets()[0] == 0
                || (ip.octets()[0] == 100 && (64..128).contains(&ip.octets()[1])))
        }
        Ok(std::net::IpAddr::V6(ip)) => {
            let seg = ip.segments()[0];
            !(ip.is_loopback()
                || ip.is_unspecified()
                || (seg & 0xfe00) == 0xfc00
                || (seg & 0xffc0) == 0xfe80
                || ip
                    .to_ipv4_mapped()
                    .is_some_and(|v4| v4.is_loopback() || v4.is_private() || v4.is_link_local()))
        }
        Err(_) => true,
    }
}

/// The lower-cased host of an http(s) URL (no port, user or brackets).
pub fn host_of(url: &str) -> Option<String> {
    let lower = url.trim().to_ascii_lowercase();
    let rest = lower
        .strip_prefix("https://")
        .or_else(|| lower.strip_prefix("http://"))?;
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let hostport = authority.rsplit('@').next().unwrap_or("");
    let host = if let Some(v6) = hostport.strip_prefix('[') {
        v6.split(']').next().unwrap_or("")
    } else {
        hostport.split(':').next().unwrap_or("")
    };
    Some(host.to_owned())
}

/// The picture action's type: Google's for a Google domain.
pub fn picture_action_type(d: Option<&Domain>) -> PendingActionType {
    match d.and_then(|d| d.provider.clone()) {
        Some(Provider::Microsoft) => PendingActionType::MicrosoftProfilePicture,
        _ => PendingActionType::GoogleProfilePicture,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pictures() {
        for ok in [
            None,
            Some(""),
            Some("https://cdn.acme.com/a.jpg"),
            Some("http://8.8.8.8/x"),
        ] {
            assert!(picture_is_public(ok), "{ok:?}");
        }
        for bad in [
            "http://localhost/a.jpg",
            "http://127.0.0.1:8080/a.jpg",
            "https://10.1.2.3/a",
            "https://192.168.0.1/a",
            "https://172.20.0.1/a",
            "http://[::1]/a",
            "http://[fd00::1]/a",
            "file:///etc/passwd",
            "https://printer.local/a",
        ] {
            assert!(!picture_is_public(Some(bad)), "{bad}");
        }
    }
}
