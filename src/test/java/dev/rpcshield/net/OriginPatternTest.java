package dev.rpcshield.net;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class OriginPatternTest {

  @ParameterizedTest(name = "{0} matches {1}: {2}")
  @CsvSource({
    "https://app.example, https://app.example, true",
    "https://app.example, HTTPS://App.Example, true",
    "https://app.example, http://app.example, false",
    "https://app.example, https://app.example:8443, false",
    "https://app.example, https://evil.app.example, false",
    "http://127.0.0.1:8080, http://127.0.0.1:8080, true",
    "http://127.0.0.1:8080, http://127.0.0.1:8081, false",
    "https://*.example.com, https://a.example.com, true",
    "https://*.example.com, https://a.b.example.com, true",
    "https://*.example.com, https://example.com, false",
    "https://*.example.com, https://evilexample.com, false",
    "https://*.example.com, https://a.example.com.evil, false",
    "https://*.example.com, http://a.example.com, false",
    "https://*.example.com, https://a.example.com:444, false",
    "https://*.example.com:444, https://a.example.com:444, true",
    "https://*.example.com, null, false",
  })
  void matches(String pattern, String origin, boolean expected) {
    assertTrue(OriginPattern.parse(pattern).matches(origin) == expected);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "app.example",
        "https://app.example/",
        "https://app.example/path",
        "https://*.com",
        "https://*",
        "https://a.*.example.com",
        "https://app..example",
        "https://app.example:99999x"
      })
  void refusesWhatIsNotAnOrigin(String text) {
    assertThrows(IllegalArgumentException.class, () -> OriginPattern.parse(text));
  }

  @ParameterizedTest
  @ValueSource(strings = {"https://app.example", "http://[::1]:8080", "chrome-extension://abc"})
  void acceptsOrigins(String text) {
    assertFalse(OriginPattern.parse(text).toString().isEmpty());
  }
}
