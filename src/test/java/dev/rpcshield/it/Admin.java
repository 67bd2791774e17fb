package dev.rpcshield.it;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpRequest;

/** The admin API as an operator's script would call it. */
public final class Admin {
  static final String TOKEN = "it-admin-token";
  private final Gateway gateway;

  public Admin(Gateway gateway) {
    this.gateway = gateway;
  }

  public Gateway.Response call(String method, String path, String body, String token) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(gateway.base().resolve("/admin/api" + path))
            .header("Content-Type", "application/json")
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return gateway.send(b.build());
  }

  public Gateway.Response call(String method, String path, String body) {
    return call(method, path, body, TOKEN);
  }

  /** An upstream's entry in the admin API's upstream list, or null when it has none. */
  public JsonNode upstream(String name) {
    for (JsonNode u : call("GET", "/upstreams", null).json()) {
      if (u.get("name").asText().equals(name)) {
        return u;
      }
    }
    return null;
  }

  /** Creates an account and returns its id. */
  public String account(String json) {
    Gateway.Response r = call("POST", "/accounts", json);
    if (r.status() != 201) {
      throw new AssertionError("account not created: " + r.status() + " " + r.body());
    }
    return r.json().get("id").asText();
  }

  /** Creates a key and returns the whole answer (with the plaintext key). */
  public JsonNode key(String accountId) {
    return key(accountId, "{\"label\":\"it\"}");
  }

  /** Creates a key from {@code json} (its label, allowlists, ...) and returns the whole answer. */
  public JsonNode key(String accountId, String json) {
    Gateway.Response r = call("POST", "/accounts/" + accountId + "/keys", json);
    if (r.status() != 201) {
      throw new AssertionError("key not created: " + r.status() + " " + r.body());
    }
    return r.json();
  }
}
