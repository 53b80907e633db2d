/** IPv4/IPv6 parsing and CIDR membership for the `cidr` modifier (no dependencies). */

/** Parses an IPv4 or IPv6 address into 4 or 16 bytes; null when it is not an address. */
export function parseIp(s: string): Uint8Array | null {
  let t = s.trim();
  // Windows writes IPv4-mapped IPv6 (::ffff:10.0.0.1) and zone ids (fe80::1%12).
  const pct = t.indexOf('%');
  if (pct >= 0) t = t.slice(0, pct);
  if (t.startsWith('[') && t.endsWith(']')) t = t.slice(1, -1);
  if (!t.includes(':')) return parseV4(t);
  return parseV6(t);
}

function parseV4(t: string): Uint8Array | null {
  const parts = t.split('.');
  if (parts.length !== 4) return null;
  const out = new Uint8Array(4);
  for (let i = 0; i < 4; i++) {
    const p = parts[i] as string;
    if (!/^\d{1,3}$/.test(p)) return null;
    const n = Number(p);
    if (n > 255) return null;
    out[i] = n;
  }
  return out;
}

function parseV6(t: string): Uint8Array | null {
  let tail: Uint8Array | null = null;
  let s = t;
  const lastColon = s.lastIndexOf(':');
  if (s.slice(lastColon + 1).includes('.')) {
    tail = parseV4(s.slice(lastColon + 1));
    if (!tail) return null;
    s = s.slice(0, lastColon + 1) + '0:0';
  }
  const dbl = s.split('::');
  if (dbl.length > 2) return null;
  const head = dbl[0] ? (dbl[0] as string).split(':') : [];
  const rest = dbl.length === 2 && dbl[1] ? (dbl[1] as string).split(':') : [];
  const groups = dbl.length === 2 ? 8 - head.length - rest.length : 0;
  if (dbl.length === 1 && head.length !== 8) return null;
  if (groups < 0 || (dbl.length === 2 && groups < 1)) return null;
  const all = [...head, ...Array<string>(groups).fill('0'), ...rest];
  if (all.length !== 8) return null;
  const out = new Uint8Array(16);
  for (let i = 0; i < 8; i++) {
    const g = all[i] as string;
    if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return null;
    const n = parseInt(g, 16);
    out[i * 2] = n >> 8;
    out[i * 2 + 1] = n & 0xff;
  }
  if (tail) out.set(tail, 12);
  return out;
}

/** A compiled CIDR test. Throws with a clear message when the network is malformed. */
export function compileCidr(spec: string): (ip: string) => boolean {
  const slash = spec.indexOf('/');
  const addr = parseIp(slash >= 0 ? spec.slice(0, slash) : spec);
  if (!addr) throw new Error(`bad CIDR network '${spec}'`);
  const bits = slash >= 0 ? Number(spec.slice(slash + 1)) : addr.length * 8;
  if (!Number.isInteger(bits) || bits < 0 || bits > addr.length * 8) throw new Error(`bad CIDR prefix length in '${spec}'`);
  const v4 = addr.length === 4;
  return (value: string) => {
    let ip = parseIp(value);
    if (!ip) return false;
    // An IPv4-mapped IPv6 address (::ffff:a.b.c.d) belongs to the IPv4 network too.
    if (v4 && ip.length === 16 && ip.slice(0, 10).every((b) => b === 0) && ip[10] === 0xff && ip[11] === 0xff) ip = ip.slice(12);
    if (ip.length !== addr.length) return false;
    let left = bits;
    for (let i = 0; left > 0; i++, left -= 8) {
      const mask = left >= 8 ? 0xff : (0xff << (8 - left)) & 0xff;
      if (((ip[i] as number) & mask) !== ((addr[i] as number) & mask)) return false;
    }
    return true;
  };
}
