package dev.rpcshield.identity;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * Decides the client IP: the socket address, unless the connection comes from a trusted proxy, in
 * which case the right-most X-Forwarded-For address that is not itself a trusted proxy. Addresses
 * further left were written by the client and prove nothing.
 */
public final class TrustedProxies {
  private final List<Cidr> trusted;

  /**
   * @param cidrs addresses or CIDR blocks, IPv4 or IPv6 (default: none)
   */
  public TrustedProxies(List<String> cidrs) {
    List<Cidr> parsed = new ArrayList<>();
    for (String c : cidrs) {
      parsed.add(Cidr.parse(c));
    }
    this.trusted = List.copyOf(parsed);
  }

  public String clientIp(String remoteAddr, String forwardedFor) {
    if (forwardedFor == null || forwardedFor.isBlank() || !isTrusted(remoteAddr)) {
      return remoteAddr;
    }
    String[] hops = forwardedFor.split(",");
    for (int i = hops.length - 1; i >= 0; i--) {
      String hop = hops[i].trim();
      if (!isLiteralIp(hop)) {
        return remoteAddr;
      }
      if (!isTrusted(hop)) {
        return hop;
      }
    }
    return hops[0].trim();
  }

  private boolean isTrusted(String ip) {
    for (Cidr c : trusted) {
      if (c.contains(ip)) {
        return true;
      }
    }
    return false;
  }

  private static final java.util.regex.Pattern IPV4 =
      java.util.regex.Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

  /** IPv4 dotted quads, or anything with a colon (parsed as IPv6, never looked up in DNS). */
  private static boolean isLiteralIp(String s) {
    return IPV4.matcher(s).matches()
        || s.indexOf(':') >= 0
            && s.chars().allMatch(ch -> Character.digit(ch, 16) >= 0 || ch == '.' || ch == ':');
  }

  /** An address block. */
  public record Cidr(byte[] network, int prefix) {

    public static Cidr parse(String text) {
      String t = text.trim();
      int slash = t.indexOf('/');
      String addr = slash < 0 ? t : t.substring(0, slash);
      byte[] bytes = literal(addr);
      if (bytes == null) {
        throw new IllegalArgumentException("'" + text + "' is not an IP address or CIDR block");
      }
      int prefix = slash < 0 ? bytes.length * 8 : Integer.parseInt(t.substring(slash + 1));
      if (prefix < 0 || prefix > bytes.length * 8) {
        throw new IllegalArgumentException("'" + text + "' has an invalid prefix length");
      }
      return new Cidr(bytes, prefix);
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
  }
}
