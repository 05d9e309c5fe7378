//! Who a request comes from: the peer, or behind trusted reverse proxies
//! the rightmost `X-Forwarded-For` entry that is not one of them; and the
//! key attempt limits count against (an IPv6 client by its /64, since one
//! subscriber holds a whole /64).

use std::net::{IpAddr, Ipv6Addr};

/// A network in CIDR notation (`10.0.0.0/8`, `2001:db8::/32`, or a single
/// address).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cidr {
    network: IpAddr,
    prefix: u8,
}

impl Cidr {
    pub fn parse(raw: &str) -> Option<Self> {
        let (address, prefix) = match raw.trim().split_once('/') {
            Some((a, p)) => (a.parse::<IpAddr>().ok()?, Some(p.parse::<u8>().ok()?)),
            None => (raw.trim().parse::<IpAddr>().ok()?, None),
        };
        let max = if address.is_ipv4() { 32 } else { 128 };
        let prefix = prefix.unwrap_or(max);
        (prefix <= max).then_some(Self {
            network: address,
            prefix,
        })
    }

    pub fn contains(&self, ip: IpAddr) -> bool {
        match (self.network, ip) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => {
                masked(u128::from(u32::from(net)), 32, self.prefix)
                    == masked(u128::from(u32::from(ip)), 32, self.prefix)
            }
            (IpAddr::V6(net), IpAddr::V6(ip)) => {
                masked(u128::from(net), 128, self.prefix)
                    == masked(u128::from(ip), 128, self.prefix)
            }
            _ => false,
        }
    }
}

fn masked(bits: u128, width: u8, prefix: u8) -> u128 {
    let drop = u32::from(width - prefix.min(width));
    bits.checked_shr(drop).unwrap_or(0)
}

/// The address a request came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ClientAddress(pub IpAddr);

impl ClientAddress {
    /// What attempt limits count against: the address itself, or an IPv6
    /// address's /64.
    pub fn limit_key(&self) -> String {
        match self.0 {
            IpAddr::V4(v4) => v4.to_string(),
            IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
                Some(v4) => v4.to_string(),
                None => {
                    let prefix = u128::from(v6) & !((1u128 << 64) - 1);
                    format!("{}/64", Ipv6Addr::from(prefix))
                }
            },
        }
    }
}

/// The client behind `peer`: with `trust_peer` (a reverse proxy in front),
/// the `X-Forwarded-For` entries of every header line are read from the
/// right, past the peer and past any address in `proxies`; the first other
/// entry is the client. An entry that is not an address ends the walk at
/// the hop that added it.
pub fn client_address(
    peer: IpAddr,
    forwarded_for: &[&str],
    trust_peer: bool,
    proxies: &[Cidr],
) -> ClientAddress {
    if !trust_peer {
        return ClientAddress(peer);
    }
    let mut client = peer;
    let entries = forwarded_for
        .iter()
        .flat_map(|line| line.split(','))
        .map(str::trim)
        .filter(|e| !e.is_empty())
        .collect::<Vec<_>>();
    for entry in entries.into_iter().rev() {
        let Ok(ip) = entry.parse::<IpAddr>() else {
            break;
        };
        client = ip;
        if !proxies.iter().any(|p| p.contains(ip)) {
            break;
        }
    }
    ClientAddress(client)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().expect("an address")
    }

    #[test]
    fn the_rightmost_entry_not_a_trusted_proxy_is_the_client() {
        let proxies = [Cidr::parse("10.0.0.0/8").expect("cidr")];
        let peer = ip("10.0.0.1");
        // A client-supplied first entry is never believed.
        let lines = ["198.51.100.9, 203.0.113.5", "10.1.2.3"];
        assert_eq!(
            client_address(peer, &lines, true, &proxies).0,
            ip("203.0.113.5")
        );
        assert_eq!(client_address(peer, &lines, false, &proxies).0, peer);
        assert_eq!(client_address(peer, &[], true, &proxies).0, peer);
        assert_eq!(
            client_address(peer, &["garbage, 10.9.9.9"], true, &proxies).0,
            ip("10.9.9.9")
        );
    }

    #[test]
    fn ipv6_clients_are_limited_by_their_64() {
        let a = ClientAddress(ip("2001:db8:1:2:aaaa::1")).limit_key();
        let b = ClientAddress(ip("2001:db8:1:2:bbbb::2")).limit_key();
        assert_eq!(a, b);
        assert_eq!(a, "2001:db8:1:2::/64");
        assert_ne!(a, ClientAddress(ip("2001:db8:1:3::1")).limit_key());
        assert_eq!(ClientAddress(ip("192.0.2.7")).limit_key(), "192.0.2.7");
        assert!(Cidr::parse("2001:db8::/32").is_some_and(|c| c.contains(ip("2001:db8:ffff::1"))));
        assert!(Cidr::parse("10.0.0.0/33").is_none());
    }
}
