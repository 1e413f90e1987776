//! What counts as the internet in a security group rule or a network ACL entry.
//!
//! Not only `0.0.0.0/0` and `::/0`: a CIDR block admits the internet when it contains public
//! addresses (neither private nor reserved) and its prefix is no longer than the profile's
//! threshold (`/8` for IPv4 and `/16` for IPv6 by default). So `0.0.0.0/1` and `128.0.0.0/1`
//! count, `10.0.0.0/8` (private) and an office's `/32` do not.

use std::net::IpAddr;

use crate::Thresholds;

/// Addresses that are not on the public internet: private, shared (CGNAT), loopback,
/// link-local, documentation, benchmarking, multicast and reserved (RFC 6890).
const NOT_PUBLIC_IPV4: &[&str] = &[
    "0.0.0.0/8",
    "10.0.0.0/8",
    "100.64.0.0/10",
    "127.0.0.0/8",
    "169.254.0.0/16",
    "172.16.0.0/12",
    "192.0.0.0/24",
    "192.0.2.0/24",
    "192.168.0.0/16",
    "198.18.0.0/15",
    "198.51.100.0/24",
    "203.0.113.0/24",
    "224.0.0.0/4",
    "240.0.0.0/4",
];
/// Everything outside global unicast (`2000::/3`), and the documentation block inside it.
const NOT_PUBLIC_IPV6: &[&str] = &["::/3", "4000::/2", "8000::/1", "2001:db8::/32"];

/// A CIDR block as an inclusive range of addresses of one family.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Block {
    v6: bool,
    start: u128,
    end: u128,
}

impl Block {
    /// `a.b.c.d/n` or `x::/n`; host bits are ignored, as AWS does.
    pub fn parse(cidr: &str) -> Result<Block, String> {
        let bad = || format!("'{cidr}' is not a CIDR block");
        let (address, prefix) = cidr.split_once('/').ok_or_else(bad)?;
        let address: IpAddr = address.parse().map_err(|_| bad())?;
        let prefix: u32 = prefix.parse().map_err(|_| bad())?;
        let (v6, width, bits) = match address {
            IpAddr::V4(a) => (false, 32, u128::from(u32::from(a))),
            IpAddr::V6(a) => (true, 128, u128::from(a)),
        };
        if prefix > width {
            return Err(bad());
        }
        let host = host_mask(width - prefix);
        Ok(Block {
            v6,
            start: bits & !host,
            end: (bits & !host) | host,
        })
    }

    fn width(self) -> u32 {
        if self.v6 {
            128
        } else {
            32
        }
    }

    /// The prefix length of a block that is one CIDR block.
    fn prefix(self) -> u32 {
        self.width() - (self.end - self.start).count_ones()
    }
}

/// The low `bits` bits set.
fn host_mask(bits: u32) -> u128 {
    if bits >= 128 {
        u128::MAX
    } else {
        (1u128 << bits) - 1
    }
}

/// The profile's idea of how wide a block must be to be the internet.
#[derive(Debug, Clone, Copy)]
pub struct Internet {
    ipv4_max_prefix: u32,
    ipv6_max_prefix: u32,
}

impl Internet {
    pub fn new(thresholds: &Thresholds) -> Internet {
        Internet {
            ipv4_max_prefix: thresholds.internet_ipv4_max_prefix.into(),
            ipv6_max_prefix: thresholds.internet_ipv6_max_prefix.into(),
        }
    }

    /// Whether a rule admitting `cidr` admits the internet.
    pub fn admits(&self, cidr: &str) -> Result<bool, String> {
        Block::parse(cidr).map(|block| self.is_internet(block))
    }

    /// Whether an entry admitting `cidr`, evaluated after the entries `decided` (network ACL
    /// rule order: the first entry that matches an address decides for it), still admits the
    /// internet: what earlier entries left of its block includes a CIDR block that counts.
    pub fn still_admits(&self, cidr: &str, decided: &[Block]) -> Result<bool, String> {
        let block = Block::parse(cidr)?;
        let earlier: Vec<Block> = decided
            .iter()
            .copied()
            .filter(|d| d.v6 == block.v6)
            .collect();
        Ok(subtract(block, &earlier)
            .into_iter()
            .flat_map(cidr_blocks)
            .any(|part| self.is_internet(part)))
    }

    fn is_internet(&self, block: Block) -> bool {
        let max = if block.v6 {
            self.ipv6_max_prefix
        } else {
            self.ipv4_max_prefix
        };
        block.prefix() <= max && contains_public(block)
    }
}

fn contains_public(block: Block) -> bool {
    let not_public: Vec<Block> = if block.v6 {
        NOT_PUBLIC_IPV6
    } else {
        NOT_PUBLIC_IPV4
    }
    .iter()
    .map(|cidr| Block::parse(cidr).expect("the tables hold CIDR blocks"))
    .collect();
    !subtract(block, &not_public).is_empty()
}

/// What is left of `block` once `taken` is removed: ranges of one family, not necessarily
/// CIDR blocks.
fn subtract(block: Block, taken: &[Block]) -> Vec<Block> {
    let mut left = vec![block];
    for cut in taken.iter().filter(|t| t.v6 == block.v6) {
        left = left
            .into_iter()
            .flat_map(|part| {
                let mut pieces = Vec::new();
                if cut.end < part.start || cut.start > part.end {
                    pieces.push(part);
                    return pieces;
                }
                if cut.start > part.start {
                    pieces.push(Block {
                        end: cut.start - 1,
                        ..part
                    });
                }
                if cut.end < part.end {
                    pieces.push(Block {
                        start: cut.end + 1,
                        ..part
                    });
                }
                pieces
            })
            .collect();
    }
    left
}

/// A range as the fewest CIDR blocks that cover it exactly.
fn cidr_blocks(range: Block) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut start = range.start;
    loop {
        let mut bits = if start == 0 {
            range.width()
        } else {
            start.trailing_zeros().min(range.width())
        };
        while start | host_mask(bits) > range.end {
            bits -= 1;
        }
        let end = start | host_mask(bits);
        blocks.push(Block {
            start,
            end,
            ..range
        });
        if end >= range.end {
            return blocks;
        }
        start = end + 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn internet() -> Internet {
        Internet::new(&Thresholds::default())
    }

    #[test]
    fn wide_public_blocks_are_the_internet() {
        for cidr in [
            "0.0.0.0/0",
            "0.0.0.0/1",
            "128.0.0.0/1",
            "52.0.0.0/8",
            "::/0",
            "2000::/3",
            "2600::/16",
        ] {
            assert_eq!(internet().admits(cidr), Ok(true), "{cidr}");
        }
        for cidr in [
            "10.0.0.0/8",
            "172.16.0.0/12",
            "203.0.113.7/32",
            "52.95.0.0/16",
            "fc00::/7",
            "2600:1f18::/32",
            "2001:db8::/32",
        ] {
            assert_eq!(internet().admits(cidr), Ok(false), "{cidr}");
        }
        assert!(internet().admits("10.0.0.0/33").is_err());
        assert!(internet().admits("pl-12345").is_err());
        let strict = Internet::new(&Thresholds {
            internet_ipv4_max_prefix: 16,
            ..Thresholds::default()
        });
        assert_eq!(strict.admits("52.95.0.0/16"), Ok(true));
    }

    #[test]
    fn host_bits_are_ignored() {
        assert_eq!(
            Block::parse("10.1.2.3/8").unwrap(),
            Block::parse("10.0.0.0/8").unwrap()
        );
        assert_eq!(Block::parse("10.0.0.0/8").unwrap().prefix(), 8);
    }

    #[test]
    fn earlier_entries_take_their_addresses_first() {
        let denied = |cidrs: &[&str]| -> Vec<Block> {
            cidrs.iter().map(|c| Block::parse(c).unwrap()).collect()
        };
        let everything = "0.0.0.0/0";
        assert_eq!(internet().still_admits(everything, &[]), Ok(true));
        assert_eq!(
            internet().still_admits(everything, &denied(&["0.0.0.0/0"])),
            Ok(false)
        );
        // Half denied: the other half is still the internet.
        assert_eq!(
            internet().still_admits(everything, &denied(&["0.0.0.0/1"])),
            Ok(true)
        );
        // Both halves denied.
        assert_eq!(
            internet().still_admits(everything, &denied(&["0.0.0.0/1", "128.0.0.0/1"])),
            Ok(false)
        );
        // A denied office leaves the internet open.
        assert_eq!(
            internet().still_admits(everything, &denied(&["198.51.100.0/24"])),
            Ok(true)
        );
        // IPv4 entries say nothing of IPv6.
        assert_eq!(
            internet().still_admits("::/0", &denied(&["0.0.0.0/0"])),
            Ok(true)
        );
    }

    #[test]
    fn ranges_split_into_cidr_blocks() {
        let range = Block {
            v6: false,
            start: 1,
            end: 6,
        };
        let prefixes: Vec<(u128, u32)> = cidr_blocks(range)
            .into_iter()
            .map(|b| (b.start, b.prefix()))
            .collect();
        assert_eq!(prefixes, [(1, 32), (2, 31), (4, 31), (6, 32)]);
        let all = Block::parse("::/0").unwrap();
        assert_eq!(cidr_blocks(all), [all]);
    }
}
