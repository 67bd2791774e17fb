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
}
