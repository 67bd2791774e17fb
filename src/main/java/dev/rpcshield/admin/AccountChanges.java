package dev.rpcshield.admin;

import static dev.rpcshield.admin.AdminJson.badField;

import dev.rpcshield.account.Account;
import dev.rpcshield.account.Tiers;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * What an admin request body sets on an account beside its name and state: its tier, its limit
 * overrides and the networks its keys may call, each checked against this gateway's tiers and
 * networks and refused with its field before anything is stored.
 */
final class AccountChanges {
  private final Tiers tiers;
  private final Supplier<List<String>> networks;

  /**
   * @param tiers the tiers configured now
   * @param networks the names of the networks this gateway serves, asked only for a body that lists
   *     networks
   */
  AccountChanges(Tiers tiers, Supplier<List<String>> networks) {
    this.tiers = tiers;
    this.networks = networks;
  }

  /** {@code tier} (null when the body names none), refused when no such tier is configured. */
  String tier(String tier) {
    if (tier != null && tiers.tier(tier).isEmpty()) {
      throw badField("tier", "unknown tier '" + tier + "'; known: " + tiers.all().keySet());
    }
    return tier;
  }

  /** The overrides and then the networks {@code in} sets, as one change to an account. */
  Consumer<Account> overridesAndNetworks(JsonObject in) {
    return overrides(in).andThen(networks(in));
  }

  /**
   * The networks an account's keys may call: absent leaves them, null allows every network, a list
   * names networks this gateway serves.
   */
  private Consumer<Account> networks(JsonObject in) {
    if (!in.containsKey("networks")) {
      return a -> {};
    }
    if (in.isNull("networks")) {
      return a -> a.setNetworks(null);
    }
    List<String> known = networks.get();
    String why = "networks must be null (every network) or a non-empty list of " + known;
    if (!(in.get("networks") instanceof JsonArray list) || list.isEmpty()) {
      throw badField("networks", why);
    }
    List<String> names = new ArrayList<>();
    for (JsonValue v : list) {
      if (!(v instanceof JsonString s) || !known.contains(s.getString())) {
        throw badField("networks", why);
      }
      if (!names.contains(s.getString())) {
        names.add(s.getString());
      }
    }
    return a -> a.setNetworks(names);
  }

  private static Consumer<Account> overrides(JsonObject in) {
    if (!in.containsKey("overrides") || in.isNull("overrides")) {
      return a -> {};
    }
    if (!(in.get("overrides") instanceof JsonObject o)) {
      throw badField("overrides", "overrides must be an object");
    }
    BigDecimal rps = AdminJson.override(o, OverrideLimit.RPS);
    BigDecimal burst = AdminJson.override(o, OverrideLimit.BURST);
    BigDecimal cu = AdminJson.override(o, OverrideLimit.CU_PER_SECOND);
    BigDecimal monthly = AdminJson.override(o, OverrideLimit.MONTHLY_CU);
    BigDecimal ws = AdminJson.override(o, OverrideLimit.WS_CONNECTIONS);
    Boolean exempt = AdminJson.bool(o, "senderExempt");
    for (String field : o.keySet()) {
      if (!Set.of("rps", "burst", "cuPerSecond", "monthlyCu", "wsConnections", "senderExempt")
          .contains(field)) {
        throw badField("overrides." + field, "unknown override '" + field + "'");
      }
    }
    return a -> {
      if (o.containsKey("rps")) {
        a.setRpsOverride(rps == null ? null : rps.doubleValue());
      }
      if (o.containsKey("burst")) {
        a.setBurstOverride(burst == null ? null : burst.longValueExact());
      }
      if (o.containsKey("cuPerSecond")) {
        a.setCuPerSecondOverride(cu == null ? null : cu.doubleValue());
      }
      if (o.containsKey("monthlyCu")) {
        a.setMonthlyCuOverride(monthly == null ? null : monthly.longValueExact());
      }
      if (o.containsKey("wsConnections")) {
        a.setWsConnectionsOverride(ws == null ? null : ws.intValueExact());
      }
      if (exempt != null) {
        a.setSenderExempt(exempt);
      }
    };
  }
}
