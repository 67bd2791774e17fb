package dev.rpcshield.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class RpcServletTest {
  @Test
  void anUnknownNetworksNameIsShownUpToItsCap() {
    assertEquals("base", RpcServlet.shown("base"));
    assertEquals("a".repeat(64), RpcServlet.shown("a".repeat(64)));
    assertEquals("a".repeat(64) + "...", RpcServlet.shown("a".repeat(3000)));
  }
}
