package dev.rpcshield.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class RpcPathTest {

  @ParameterizedTest(name = "[{0}]")
  @CsvSource(
      nullValues = "-",
      value = {
        "'',-,-",
        "/,-,-",
        "/v1/k3y,-,k3y",
        "/v1/k3y/,-,k3y",
        "/base,base,-",
        "/base/,base,-",
        "/base/v1/k3y,base,k3y",
        "/Base2/v1/k3y/,Base2,k3y",
      })
  void readsTheNetworkAndTheKey(String path, String network, String key) {
    assertEquals(new RpcPath(network, key), RpcPath.of(path));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "/v1",
        "/v1/",
        "/v1//",
        "/v1/k/x",
        "/base/v2/k",
        "/base/v1/",
        "/base-net",
        "/a/b",
        "//",
        "/base/v1/k/x",
        "/%2e%2e"
      })
  void anythingElseIsNoEndpoint(String path) {
    assertNull(RpcPath.of(path));
  }
}
