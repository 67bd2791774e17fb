package dev.rpcshield.admin;

import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.ws.rs.container.PreMatching;
import org.junit.jupiter.api.Test;

class AdminTokenFilterTest {
  /**
   * A filter that runs after routing never sees an OPTIONS the runtime answers itself (with the
   * route's methods) nor a path that matches no route.
   */
  @Test
  void theTokenIsCheckedBeforeTheCallIsRouted() {
    assertTrue(AdminTokenFilter.class.isAnnotationPresent(PreMatching.class));
  }
}
