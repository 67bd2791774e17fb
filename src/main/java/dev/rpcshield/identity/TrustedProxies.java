package dev.rpcshield.identity;

import dev.rpcshield.net.Cidr;
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
      if (!Cidr.isLiteralIp(hop)) {
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
}
