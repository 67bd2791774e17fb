package dev.rpcshield.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MaskingTest {

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "https://mainnet.infura.io/v3/key1|https://mainnet.infura.io/****",
        "https://u:p@h.example:8443/x?y=1|https://****@h.example:8443/****",
        "https://u:p@ss@h.example/x|https://****@h.example/****",
        "wss://h.example?key=1|wss://h.example/****",
        "http://127.0.0.1:8545|http://127.0.0.1:8545",
        "jdbc:postgresql://db:5432/rpcshield?password=pw|jdbc:postgresql://db:5432/****",
        "a=https://h1/v3/k1,b=http://h2:8545|a=https://h1/****,b=http://h2:8545",
        "x='https://h/k' is not valid|x='https://h/****' is not valid",
        "expected a number|expected a number",
      })
  void aUrlKeepsOnlyItsSchemeHostAndPort(String text, String shown) {
    assertEquals(shown, Masking.urls(text));
  }

  @Test
  void aMessageEchoesASecretAsStarsAndAUrlMasked() {
    assertEquals("****", Masking.echoed("rpcshield.admin.token", "t0ken"));
    assertEquals("****", Masking.echoed("RPCSHIELD_DB_PASSWORD", "pw"));
    assertEquals("****", Masking.echoed("rpcshield.upstream.a.headers", "x-key=1"));
    assertEquals("", Masking.echoed("rpcshield.db.password", ""));
    assertEquals(
        "a=https://h/****", Masking.echoed("rpcshield.upstreams", "a=https://h/v2/alchemykey"));
    assertEquals("5 parsecs", Masking.echoed("rpcshield.usage.flush-interval", "5 parsecs"));
  }

  @Test
  void theAdminApiListsSecretsAndUrlValuedKeysAsStars() {
    assertEquals("****", Masking.listed("rpcshield.admin.token", "t0ken"));
    assertEquals("****", Masking.listed("rpcshield.redis.url", "redis://u:p@h:1"));
    assertEquals("****", Masking.listed("RPCSHIELD_UPSTREAMS", "a=https://x/v3/key"));
    assertEquals("****", Masking.listed("rpcshield.upstream.a.headers", "x-key=1"));
    assertEquals("****", Masking.listed("rpcshield.upstream.a.basic-auth", "u:p"));
    assertEquals("150", Masking.listed("rpcshield.tier.pro.rps", "150"));
  }

  @Test
  void aRefusedValueIsEchoedMasked() {
    assertEquals(
        "configuration rpcshield.upstreams='https://mainnet.infura.io/****' is not valid: expected"
            + " name=value",
        Settings.invalid("rpcshield.upstreams", "https://mainnet.infura.io/v3/key1", "name=value")
            .getMessage());
    assertEquals(
        "configuration rpcshield.admin.token='****' is not valid: expected a token",
        Settings.invalid("rpcshield.admin.token", "t0ken", "a token").getMessage());
  }
}
