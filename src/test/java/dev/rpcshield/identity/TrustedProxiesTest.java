package dev.rpcshield.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
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
}
