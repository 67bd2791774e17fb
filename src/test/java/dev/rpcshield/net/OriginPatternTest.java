package dev.rpcshield.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
    "https://app.example, https://app.example:443, true",
    "https://app.example:443, https://app.example, true",
    "http://app.example:80, http://app.example, true",
    "http://app.example, http://app.example:443, false",
    "https://app.example, https://app.example:0443, true",
    "https://app.example, https://app.example/, false",
    "https://app.example, https://app.example:, false",
    "https://app.example, https://user@app.example, false",
    "https://*.example.com:443, https://a.example.com, true",
    "https://*.example.com, https://a.example.com:443, true",
    "https://*.example.com, https://a..example.com, false",
    "http://[::1]:8080, http://[::1]:8080, true",
    "http://[::1]:8080, http://[::1], false",
    "wss://app.example, wss://app.example:443, true",
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

  @ParameterizedTest(name = "{0} is written {1}")
  @CsvSource({
    "HTTPS://App.Example:443, https://app.example",
    "http://127.0.0.1:80, http://127.0.0.1",
    "https://*.Example.com:8443, https://*.example.com:8443",
    "chrome-extension://abc, chrome-extension://abc",
  })
  void isNormalisedAsWritten(String text, String normalised) {
    assertEquals(normalised, OriginPattern.parse(text).toString());
    assertEquals(OriginPattern.parse(normalised), OriginPattern.parse(text));
  }

  @ParameterizedTest
  @ValueSource(strings = {"https://app.example", "http://[::1]:8080", "chrome-extension://abc"})
  void acceptsOrigins(String text) {
    assertFalse(OriginPattern.parse(text).toString().isEmpty());
  }
}
