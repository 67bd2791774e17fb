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
        "https://user:pa/ss@mainnet.infura.io/v3/KEY|https://****@mainnet.infura.io/****",
        "redis://:s3cr#t@redis:6379|redis://****@redis:6379",
        "https://u:p;w@h/x|https://****@h/****",
        "https://mainnet.infura.io\\v3\\KEY|https://mainnet.infura.io/****",
        "https://h/x?email=a@b.example|https://****@b.example",
        "http://[::1]:8545/k|http://[::1]:8545/****",
        "http://[::1%eth0]/k|http:///****",
        "url https://h:1, then|url https://h:1, then",
        "https://u:p,w@h/k|https://****@h/****",
        "redis-sentinel://u:p@h1:26379,h2:26379/m|redis-sentinel://****@h1:26379/****",
        "jdbc:h2:file:./db;PASSWORD=h2pw;USER=sa|jdbc:h2:file:./db;PASSWORD=****;USER=sa",
        "https://****@h.example/****|https://****@h.example/****",
      })
  void aUrlKeepsOnlyItsSchemeHostAndPort(String text, String shown) {
    assertEquals(shown, Masking.urls(text));
  }

  @ParameterizedTest(name = "{0}={1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "rpcshield.upstreams|https://user:pa/ss@mainnet.infura.io/v3/KEY|****",
        "rpcshield.redis.url|redis://:s3cr#t@redis:6379|****",
        "rpcshield.upstreams|https://u:p;w@h/x|https://****@h/****",
        "rpcshield.upstreams|https://mainnet.infura.io\\v3\\KEY|****",
        "rpcshield.upstreams|mainnet.infura.io/v3/KEY|****",
        "rpcshield.upstreams|wss//host/KEY|****",
        "rpcshield.upstreams|name=mainnet.infura.io/v3/KEY|name=****",
        "rpcshield.upstreams|mainnet.infura.io:443/v3/KEY|****",
        "rpcshield.upstreams|https://u:p@ss@h.example/x|****",
        "rpcshield.upstreams|a=https://h1/v3/k1, b=http://[::1]:8545|a=https://h1/****,b=http://[::1]:8545",
        "rpcshield.upstreams.ws|w=wss://u:p@h.example:8546/k#f|w=wss://****@h.example:8546/****",
        "rpcshield.redis.url|redis-sentinel://u:p@h1:26379,h2:26379/m|redis-sentinel://****@h1:26379,****",
        "rpcshield.db.url|jdbc:postgresql://db:5432/x?password=pgpw|jdbc:postgresql://db:5432/****",
        "rpcshield.db.url|jdbc:h2:file:./db;PASSWORD=h2pw|jdbc:****",
      })
  void aUrlKeysValueShowsOnlyWhatReadsAsAUrlWithAHost(String key, String value, String shown) {
    assertEquals(shown, Masking.echoed(key, value));
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
    assertEquals(
        "configuration rpcshield.upstreams='****' is not valid: expected name=value",
        Settings.invalid("rpcshield.upstreams", "mainnet.infura.io/v3/key1", "name=value")
            .getMessage());
  }
}
