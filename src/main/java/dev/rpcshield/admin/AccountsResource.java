package dev.rpcshield.admin;

import static dev.rpcshield.admin.AdminJson.badField;
import static dev.rpcshield.admin.AdminJson.notFound;

import dev.rpcshield.account.Account;
import dev.rpcshield.account.AccountStore;
import dev.rpcshield.account.Accounts;
import dev.rpcshield.account.ApiKey;
import dev.rpcshield.account.ApiKeys;
import dev.rpcshield.admin.AdminRecords.AccountRecord;
import dev.rpcshield.admin.AdminRecords.KeyRecord;
import dev.rpcshield.admin.AdminRecords.MonthRecord;
import dev.rpcshield.admin.AdminRecords.NetworkMonth;
import dev.rpcshield.allowlist.Allowlists;
import dev.rpcshield.config.Current;
import dev.rpcshield.identity.JwtConfig;
import dev.rpcshield.upstream.Network;
import dev.rpcshield.upstream.Upstreams;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Consumer;

/** Accounts, their keys, usage and high-rate flag. Every change is audited. */
@Path("/accounts")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class AccountsResource {
  @Inject Accounts accounts;
  @Inject Upstreams upstreams;
  @Inject Current<JwtConfig> jwt;
  @Context HttpServletRequest http;

  private AccountStore store() {
    return accounts.store();
  }

  private AccountChanges changes() {
    return new AccountChanges(
        accounts.tiers(), () -> upstreams.networks().stream().map(Network::name).toList());
  }

  private String actor() {
    return AdminTokenFilter.actor(http);
  }

  static UUID id(String text) {
    try {
      return UUID.fromString(text);
    } catch (IllegalArgumentException e) {
      throw badField("id", "id must be a UUID");
    }
  }

  @POST
  public Response create(String body) {
    JsonObject in = AdminJson.parse(body);
    String name = AdminJson.string(in, "name", true, 200);
    AccountChanges changes = changes();
    String tier = changes.tier(AdminJson.string(in, "tier", false, 64));
    Consumer<Account> overrides = changes.overridesAndNetworks(in);
    String claim = AdminJson.string(in, "tokenSubject", false, 200);
    Account created;
    if (claim == null) {
      created = store().createAccount(name, tier == null ? "free" : tier, actor());
    } else {
      JwtConfig tokens = jwt.get();
      if (!tokens.enabled()) {
        throw badField("tokenSubject", "callers' tokens are off: set rpcshield.jwt.issuer");
      }
      String subject = tokens.subject(claim);
      if (store().accountOfSubject(subject).isPresent()) {
        throw badField("tokenSubject", "an account stands for that subject already");
      }
      created =
          store().createSubjectAccount(subject, name, tier == null ? "free" : tier, actor(), true);
    }
    Account a =
        store().updateAccount(created.getId(), overrides, actor(), "overrides").orElseThrow();
    return Response.status(201).entity(AccountRecord.of(a)).build();
  }

  @GET
  public List<AccountRecord> list(
      @QueryParam("flagged") boolean flagged,
      @QueryParam("keys") boolean keys,
      @QueryParam("nearQuota") boolean nearQuota) {
    Map<UUID, List<ApiKey>> keysByAccount = keys ? store().activeKeysByAccount() : Map.of();
    Set<UUID> near = nearQuota ? accounts.usage().accountsNearQuota() : null;
    List<AccountRecord> out = new ArrayList<>();
    for (Account a : store().accounts(flagged)) {
      if (near != null && !near.contains(a.getId())) {
        continue;
      }
      out.add(
          AccountRecord.of(
              a,
              keys
                  ? keysByAccount.getOrDefault(a.getId(), List.of()).stream()
                      .map(KeyRecord::of)
                      .toList()
                  : null));
    }
    return out;
  }

  @GET
  @Path("/{id}")
  public AccountRecord get(@PathParam("id") String id) {
    return AccountRecord.of(store().account(id(id)).orElseThrow(() -> notFound("account")));
  }

  @PATCH
  @Path("/{id}")
  public AccountRecord update(@PathParam("id") String id, String body) {
    JsonObject in = AdminJson.parse(body);
    String name = AdminJson.string(in, "name", false, 200);
    AccountChanges changes = changes();
    String tier = changes.tier(AdminJson.string(in, "tier", false, 64));
    Boolean enabled = AdminJson.bool(in, "enabled");
    Consumer<Account> overrides = changes.overridesAndNetworks(in);
    Account a =
        store()
            .updateAccount(
                id(id),
                x -> {
                  if (name != null) {
                    x.setName(name);
                  }
                  if (tier != null) {
                    x.setTier(tier);
                  }
                  if (enabled != null) {
                    x.setEnabled(enabled);
                  }
                  overrides.accept(x);
                },
                actor(),
                in.toString())
            .orElseThrow(() -> notFound("account"));
    return AccountRecord.of(a);
  }

  @DELETE
  @Path("/{id}")
  public Response delete(@PathParam("id") String id) {
    if (!store().deleteAccount(id(id), actor())) {
      throw notFound("account");
    }
    return Response.noContent().build();
  }

  @POST
  @Path("/{id}/keys")
  public Response createKey(@PathParam("id") String id, String body) {
    JsonObject in =
        body == null || body.isBlank() ? JsonObject.EMPTY_JSON_OBJECT : AdminJson.parse(body);
    String label = AdminJson.string(in, "label", false, 200);
    Allowlists lists = in.containsKey("allowlists") ? AdminJson.allowlists(in, "allowlists") : null;
    Boolean withSecret = AdminJson.bool(in, "secret");
    Boolean required = AdminJson.bool(in, "secretRequired");
    if (Boolean.TRUE.equals(required) && !Boolean.TRUE.equals(withSecret)) {
      throw badField("secretRequired", "a key that requires its secret is made with secret: true");
    }
    UUID account = id(id);
    if (store().account(account).isEmpty()) {
      throw notFound("account");
    }
    AccountStore.CreatedKey k = store().createKey(account, label, actor());
    ApiKey key = k.key();
    String secret = Boolean.TRUE.equals(withSecret) ? ApiKeys.generateSecret() : null;
    if (lists != null || secret != null || required != null) {
      key = store().restrictKey(key.getId(), lists, required, secret, actor()).orElseThrow();
    }
    return Response.status(201)
        .header("Cache-Control", "no-store")
        .entity(KeyRecord.of(key, k.plaintext(), secret))
        .build();
  }

  @GET
  @Path("/{id}/keys")
  public List<KeyRecord> keys(@PathParam("id") String id) {
    return store().keysOf(id(id)).stream().map(KeyRecord::of).toList();
  }

  @GET
  @Path("/{id}/usage")
  public MonthRecord usage(@PathParam("id") String id) {
    UUID account = id(id);
    if (store().account(account).isEmpty()) {
      throw notFound("account");
    }
    accounts.usage().flush();
    AccountStore.Usage u = store().usage(account);
    Map<String, NetworkMonth> byNetwork = new TreeMap<>();
    store()
        .usageByNetwork(account)
        .forEach((network, n) -> byNetwork.put(network, NetworkMonth.of(n)));
    return new MonthRecord(u.period(), u.computeUnits(), u.requests(), u.refusals(), byNetwork);
  }

  @DELETE
  @Path("/{id}/high-rate-flag")
  public AccountRecord clearFlag(@PathParam("id") String id) {
    Account a =
        store()
            .updateAccount(
                id(id), x -> x.setFlaggedHighRateAt(null), actor(), "clear high-rate flag")
            .orElseThrow(() -> notFound("account"));
    return AccountRecord.of(a);
  }
}
