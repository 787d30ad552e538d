/** Strict textual IP checks (no DNS, no `node:net`, so they run in every runtime). */

const IPV4_OCTET = '(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)';
const IPV4 = new RegExp(`^${IPV4_OCTET}(?:\\.${IPV4_OCTET}){3}$`);
const HEXTET = /^[0-9a-fA-F]{1,4}$/;

export function isIPv4(value: string): boolean {
  return IPV4.test(value);
}

/** RFC 4291 §2.2 text forms: full, `::`-compressed, and with a trailing dotted IPv4; zone ids allowed. */
export function isIPv6(value: string): boolean {
  const zone = value.indexOf('%');
  const address = zone === -1 ? value : value.slice(0, zone);
  const lastColon = address.lastIndexOf(':');
  if (lastColon === -1 || address.length > 45) return false;

  let hexPart = address;
  let groupBudget = 8;
  const tail = address.slice(lastColon + 1);
  if (tail.includes('.')) {
    if (!isIPv4(tail)) return false;
    // A dotted IPv4 tail takes the room of two groups.
    groupBudget = 6;
    hexPart = address.slice(0, lastColon + 1);
    if (!hexPart.endsWith('::')) hexPart = hexPart.slice(0, -1);
  }

  const halves = hexPart.split('::');
  if (halves.length > 2) return false;
  const groups = halves.flatMap((half) => (half === '' ? [] : half.split(':')));
  if (!groups.every((group) => HEXTET.test(group))) return false;
  // Without "::" every group is spelled out; with it, "::" stands for at least one zero group.
  return halves.length === 1 ? groups.length === groupBudget : groups.length < groupBudget;
}

export function isIP(value: string): boolean {
  return isIPv4(value) || isIPv6(value);
}
