package dev.rpcshield.admin;

import dev.rpcshield.admin.AdminRecords.ErrorRecord;
import dev.rpcshield.allowlist.Allowlists;
import dev.rpcshield.allowlist.InvalidAllowlistException;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.StringReader;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The admin API's JSON bodies read and checked, with 400 errors that name the bad field (answers
 * are {@link AdminRecords}).
 */
final class AdminJson {
  private AdminJson() {}

  static WebApplicationException badField(String field, String why) {
    return new WebApplicationException(
        Response.status(400)
            .type(MediaType.APPLICATION_JSON)
            .entity(new ErrorRecord(why, field))
            .build());
  }

  static WebApplicationException notFound(String what) {
    return new WebApplicationException(
        Response.status(404)
            .type(MediaType.APPLICATION_JSON)
            .entity(ErrorRecord.of(what + " not found"))
            .build());
  }

  static JsonObject parse(String body) {
    try {
      return Json.createReader(new StringReader(body == null ? "" : body)).readObject();
    } catch (RuntimeException e) {
      throw badField("body", "the body must be a JSON object");
    }
  }

  static String string(JsonObject o, String field, boolean required, int max) {
    JsonValue v = o.get(field);
    if (v == null || v == JsonValue.NULL) {
      if (required) {
        throw badField(field, field + " is required");
      }
      return null;
    }
    if (!(v instanceof JsonString s) || s.getString().isBlank() || s.getString().length() > max) {
      throw badField(
          field, field + " must be a non-empty string of at most " + max + " characters");
    }
    return s.getString();
  }

  /**
   * An account override's value within its bounds, or null when it is absent or null (which removes
   * the override); a value outside them is a 400 naming {@code overrides.<field>} and its bounds.
   */
  static BigDecimal override(JsonObject overrides, OverrideLimit limit) {
    JsonValue v = overrides.get(limit.field());
    if (v == null || v == JsonValue.NULL) {
      return null;
    }
    if (!(v instanceof JsonNumber n) || !limit.allows(n.bigDecimalValue())) {
      throw badField("overrides." + limit.field(), limit.rule());
    }
    return n.bigDecimalValue();
  }

  static Boolean bool(JsonObject o, String field) {
    JsonValue v = o.get(field);
    if (v == null || v == JsonValue.NULL) {
      return null;
    }
    if (v != JsonValue.TRUE && v != JsonValue.FALSE) {
      throw badField(field, field + " must be true or false");
    }
    return v == JsonValue.TRUE;
  }

  static Instant instant(JsonObject o, String field) {
    String s = string(o, field, false, 64);
    try {
      return s == null ? null : Instant.parse(s);
    } catch (RuntimeException e) {
      throw badField(field, field + " must be an ISO-8601 instant such as 2026-12-01T00:00:00Z");
    }
  }

  /**
   * A key's allowlists from {@code {"origins": [...], "cidrs": [...], "userAgents": [...],
   * "methods": [...], "contracts": [...]}}: a list left out or null is not set.
   */
  static Allowlists allowlists(JsonObject in, String field) {
    if (!(in.get(field) instanceof JsonObject o)) {
      throw badField(field, field + " must be an object of lists: " + Allowlists.NAMES);
    }
    Map<String, List<String>> lists = new HashMap<>();
    for (String name : o.keySet()) {
      if (!Allowlists.NAMES.contains(name)) {
        throw badField(
            field + "." + name, "unknown allowlist '" + name + "'; known: " + Allowlists.NAMES);
      }
      JsonValue v = o.get(name);
      if (v == JsonValue.NULL) {
        continue;
      }
      if (!(v instanceof JsonArray a)) {
        throw badField(field + "." + name, name + " must be an array of strings");
      }
      List<String> entries = new ArrayList<>();
      for (JsonValue e : a) {
        if (!(e instanceof JsonString str)) {
          throw badField(field + "." + name, name + " must be an array of strings");
        }
        entries.add(str.getString());
      }
      lists.put(name, entries);
    }
    try {
      return Allowlists.of(
          lists.get("origins"),
          lists.get("cidrs"),
          lists.get("userAgents"),
          lists.get("methods"),
          lists.get("contracts"));
    } catch (InvalidAllowlistException e) {
      throw badField(field + "." + e.list(), e.getMessage());
    }
  }
}
