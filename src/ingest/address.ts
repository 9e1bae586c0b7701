/**
 * Which network addresses a fetch may connect to. Only public unicast addresses: loopback,
 * private, link-local (including the 169.254.169.254 cloud metadata service), carrier-grade NAT,
 * unique-local and every other special range are refused, whatever name led there.
 */
import ipaddr from 'ipaddr.js';

/** The address every major cloud serves instance credentials from. */
const METADATA_ADDRESSES = new Set(['169.254.169.254', 'fd00:ec2::254']);

const REASONS: Record<string, string> = {
  loopback: 'that address is this machine itself (loopback)',
  private: 'that address is on a private network',
  uniqueLocal: 'that address is on a private network',
  carrierGradeNat: 'that address is on a private network (carrier-grade NAT)',
  linkLocal: 'that address is link-local (reachable only on the local network segment)',
  unspecified: 'that address is unspecified (0.0.0.0 or ::)',
  multicast: 'that address is a multicast address',
  broadcast: 'that address is a broadcast address',
};

/**
 * Returns why `address` (an IP literal) may not be fetched from, or undefined when it is a
 * public unicast address. IPv4-mapped IPv6 addresses are judged as the IPv4 address they carry.
 */
export function refusedAddressReason(address: string): string | undefined {
  let ip: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    ip = ipaddr.process(address.replace(/^\[|\]$/g, '').replace(/%.*$/, ''));
  } catch {
    return 'that address is not a valid IP address';
  }
  if (METADATA_ADDRESSES.has(ip.toString())) return 'that address is a cloud metadata service';
  const range = ip.range();
  if (range === 'unicast') return undefined;
  return REASONS[range] ?? `that address is not a public internet address (${range})`;
}

/** True when `host` is written as an IP address rather than a name. */
export function isIpLiteral(host: string): boolean {
  return ipaddr.isValid(host.replace(/^\[|\]$/g, ''));
}
