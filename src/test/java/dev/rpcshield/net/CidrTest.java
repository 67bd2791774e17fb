package dev.rpcshield.net;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class CidrTest {
  @Test
  void cidrsMatchByPrefix() {
    Cidr c = Cidr.parse("192.168.4.0/22");
    assertTrue(c.contains("192.168.7.255"));
    assertFalse(c.contains("192.168.8.0"));
    assertFalse(c.contains("::1"));
    assertThrows(IllegalArgumentException.class, () -> Cidr.parse("host.example"));
    assertThrows(IllegalArgumentException.class, () -> Cidr.parse("10.0.0.0/33"));
  }

  @Test
  void anIpv4MappedBlockMatchesTheIpv4ClientsItMaps() {
    Cidr host = Cidr.parse("::ffff:127.0.0.1/128");
    assertTrue(host.contains("127.0.0.1"));
    assertTrue(host.contains("::ffff:127.0.0.1"));
    assertFalse(host.contains("127.0.0.2"));
    assertFalse(host.contains("::1"));
    assertTrue(Cidr.parse("::FFFF:127.0.0.1").contains("127.0.0.1"), "no prefix: the one address");
    Cidr range = Cidr.parse("::ffff:10.0.0.0/104");
    assertTrue(range.contains("10.255.0.1"));
    assertFalse(range.contains("11.0.0.1"));
    assertTrue(Cidr.parse("::ffff:0.0.0.0/96").contains("192.0.2.7"), "all of IPv4");
    assertThrows(IllegalArgumentException.class, () -> Cidr.parse("::ffff:127.0.0.1/129"));
    assertThrows(
        IllegalArgumentException.class,
        () -> Cidr.parse("::ffff:127.0.0.1/80"),
        "a block wider than the mapping is not an IPv4 block");
  }
}
