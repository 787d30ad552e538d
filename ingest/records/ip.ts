/** Strict textual IP checks (no DNS, no `node:net`, so they run in every runtime). */

/**
 * Dotted-quad IPv4: four decimal octets 0–255 without leading zeros (`010.0.0.1` is refused: some
 * readers take it as octal). A char scan, not a regex: it runs for every IPv4 client on the hot path.
 */
export function isIPv4(value: string): boolean {
  const n = value.length;
  if (n < 7 || n > 15) return false;
  let i = 0;
  for (let octet = 0; octet < 4; octet++) {
    if (octet > 0) {
      if (value.charCodeAt(i) !== 0x2e) return false;
      i++;
    }
    const start = i;
    let number = 0;
    while (i < n && i - start < 4) {
      const c = value.charCodeAt(i);
      if (c < 0x30 || c > 0x39) break;
      number = number * 10 + (c - 0x30);
      i++;
    }
    const digits = i - start;
    if (digits === 0 || digits > 3 || number > 255) return false;
    if (digits > 1 && value.charCodeAt(start) === 0x30) return false;
  }
  return i === n;
}

/**
 * RFC 4291 §2.2 text forms: full, `::`-compressed, and with a trailing dotted IPv4; zone ids allowed.
 * A scan without allocation: it runs for every IPv6 client on the ingest hot path.
 */
export function isIPv6(value: string): boolean {
  const zone = value.indexOf('%');
  const end = zone === -1 ? value.length : zone;
  if (end > 45 || end === 0) return false;
  const lastColon = value.lastIndexOf(':', end - 1);
  if (lastColon === -1) return false;

  let hexEnd = end;
  let groupBudget = 8;
  const dot = value.indexOf('.', lastColon + 1);
  if (dot !== -1 && dot < end) {
    if (!isIPv4(value.slice(lastColon + 1, end))) return false;
    // A dotted IPv4 tail takes the room of two groups; the colon before it belongs to a "::" or goes.
    groupBudget = 6;
    hexEnd = lastColon > 0 && value.charCodeAt(lastColon - 1) === COLON ? lastColon + 1 : lastColon;
  }

  let groups = 0;
  let compressed = false;
  let i = 0;
  if (hexEnd >= 2 && value.charCodeAt(0) === COLON && value.charCodeAt(1) === COLON) {
    compressed = true;
    i = 2;
  }
  while (i < hexEnd) {
    const start = i;
    while (i < hexEnd && i - start < 5 && isHexDigit(value.charCodeAt(i))) i++;
    if (i === start || i - start > 4) return false;
    groups++;
    if (i === hexEnd) break;
    if (value.charCodeAt(i) !== COLON) return false;
    i++;
    if (i < hexEnd && value.charCodeAt(i) === COLON) {
      // "::" stands for one or more zero groups, at most once.
      if (compressed) return false;
      compressed = true;
      i++;
    } else if (i === hexEnd) {
      return false;
    }
  }
  // Without "::" every group is spelled out; with it, "::" stands for at least one zero group.
  return compressed ? groups < groupBudget : groups === groupBudget;
}

const COLON = 0x3a;

function isHexDigit(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
}

export function isIP(value: string): boolean {
  return isIPv4(value) || isIPv6(value);
}
