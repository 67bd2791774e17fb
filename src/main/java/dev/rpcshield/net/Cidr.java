package dev.rpcshield.net;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/**
 * An IPv4 or IPv6 address block, parsed without any DNS lookup: the trusted proxies and the
 * blocklist are made of these. An IPv4-mapped IPv6 block ({@code ::ffff:127.0.0.1/128}) is the IPv4
 * block it maps ({@code 127.0.0.1/32}), so it matches the IPv4 clients it names.
 */
public record Cidr(byte[] network, int prefix) {
  private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

  public static Cidr parse(String text) {
    String t = text.trim();
    int slash = t.indexOf('/');
    String addr = slash < 0 ? t : t.substring(0, slash);
    byte[] bytes = literal(addr);
    if (bytes == null) {
      throw new IllegalArgumentException("'" + text + "' is not an IP address or CIDR block");
    }
    // Java reads an IPv4-mapped IPv6 address (::ffff:a.b.c.d) as the IPv4 address it maps, as a
    // client connecting over IPv4 is seen: its block is the IPv4 block below the mapping's 96 bits.
    int mapping = bytes.length == 4 && addr.indexOf(':') >= 0 ? 96 : 0;
    int bits = bytes.length * 8 + mapping;
    int prefix = slash < 0 ? bits : Integer.parseInt(t.substring(slash + 1));
    if (prefix < mapping || prefix > bits) {
      throw new IllegalArgumentException("'" + text + "' has an invalid prefix length");
    }
    return new Cidr(bytes, prefix - mapping);
  }

  public boolean contains(String ip) {
    byte[] b = literal(ip);
    if (b == null || b.length != network.length) {
      return false;
    }
    int full = prefix / 8;
    for (int i = 0; i < full; i++) {
      if (b[i] != network[i]) {
        return false;
      }
    }
    int rest = prefix % 8;
    if (rest == 0) {
      return true;
    }
    int mask = 0xff << (8 - rest) & 0xff;
    return (b[full] & mask) == (network[full] & mask);
  }

  /** Parses an IP literal without any DNS lookup; null when it is not one. */
  static byte[] literal(String s) {
    if (s == null || s.isEmpty() || !isLiteralIp(s)) {
      return null;
    }
    try {
      return InetAddress.getByName(s).getAddress();
    } catch (UnknownHostException e) {
      return null;
    }
  }

  /** IPv4 dotted quads, or anything with a colon (parsed as IPv6, never looked up in DNS). */
  public static boolean isLiteralIp(String s) {
    return IPV4.matcher(s).matches()
        || s.indexOf(':') >= 0
            && s.chars().allMatch(ch -> Character.digit(ch, 16) >= 0 || ch == '.' || ch == ':');
  }
}
