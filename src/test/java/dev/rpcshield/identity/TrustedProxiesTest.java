package dev.rpcshield.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TrustedProxiesTest {
  private final TrustedProxies proxies = new TrustedProxies(List.of("10.0.0.0/24", "fd00::/64"));

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "203.0.113.9|198.51.100.1|203.0.113.9",
        "10.0.0.5||10.0.0.5",
        "10.0.0.5|198.51.100.1|198.51.100.1",
        "10.0.0.5|6.6.6.6, 198.51.100.1|198.51.100.1",
        "10.0.0.5|198.51.100.1, 10.0.0.7|198.51.100.1",
        "10.0.0.5|10.0.0.8, 10.0.0.7|10.0.0.8",
        "10.0.0.5|example.com|10.0.0.5",
        "10.0.0.5|not an ip|10.0.0.5",
        "fd00::1|2001:db8::5|2001:db8::5",
        "10.0.1.5|198.51.100.1|10.0.1.5",
      })
  void clientIpFollowsOnlyTrustedHops(String remote, String forwarded, String expected) {
    assertEquals(expected, proxies.clientIp(remote, forwarded));
  }

  @Test
  void cidrsMatchByPrefix() {
    TrustedProxies.Cidr c = TrustedProxies.Cidr.parse("192.168.4.0/22");
    assertTrue(c.contains("192.168.7.255"));
    assertFalse(c.contains("192.168.8.0"));
    assertFalse(c.contains("::1"));
    assertThrows(IllegalArgumentException.class, () -> TrustedProxies.Cidr.parse("host.example"));
    assertThrows(IllegalArgumentException.class, () -> TrustedProxies.Cidr.parse("10.0.0.0/33"));
  }
}
