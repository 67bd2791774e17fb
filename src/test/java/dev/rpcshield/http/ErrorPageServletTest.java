package dev.rpcshield.http;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import org.junit.jupiter.api.Test;

class ErrorPageServletTest {
  @Test
  void onlyTheContainersRefusalOfAPathIsTheClientsBadRequest() {
    assertTrue(
        ErrorPageServlet.refusedPath(
            new IOException(
                "CWWWC0005I: The request URI has invalid or improperly encoded characters: [/a%2fb]"
                    + " . URI has encoded forward slash [%2F] character.")));
    assertFalse(ErrorPageServlet.refusedPath(new IOException("Broken pipe")));
    assertFalse(ErrorPageServlet.refusedPath(new IOException((String) null)));
    assertFalse(ErrorPageServlet.refusedPath(new IllegalStateException("CWWWC0005I")));
    assertFalse(ErrorPageServlet.refusedPath(null));
  }
}
