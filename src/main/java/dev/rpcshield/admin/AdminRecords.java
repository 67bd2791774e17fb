package dev.rpcshield.admin;

import dev.rpcshield.account.Account;
import dev.rpcshield.account.AccountStore;
import dev.rpcshield.account.ApiKey;
import dev.rpcshield.account.AuditRecord;
import dev.rpcshield.account.BlockedAddress;
import dev.rpcshield.account.DailyUsage;
import dev.rpcshield.allowlist.Allowlists;
import dev.rpcshield.ratewatch.Episode;
import dev.rpcshield.upstream.Network;
import dev.rpcshield.upstream.Upstream;
import jakarta.json.bind.annotation.JsonbNillable;
import jakarta.json.bind.annotation.JsonbProperty;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the admin API answers, as records that JSON-B writes and MicroProfile OpenAPI describes. A
 * null component is left out of the answer, unless it is marked {@link JsonbNillable} (then it is
 * written as {@code null}). Instants are written as ISO-8601 strings.
 */
public final class AdminRecords {
  private AdminRecords() {}

  private static String text(Instant at) {
    return at == null ? null : at.toString();
  }

  /**
   * An account: {@code networks} null when its keys may call every network; {@code keys} only when
   * asked for ({@code ?keys=true}); {@code tokenSubject} only for the account of callers' tokens
   * (the account claim it stands for).
   */
  public record AccountRecord(
      String id,
      String name,
      String tier,
      boolean enabled,
      String createdAt,
      Overrides overrides,
      @JsonbNillable List<String> networks,
      @JsonbNillable String flaggedHighRateAt,
      String tokenSubject,
      List<KeyRecord> keys) {
    static AccountRecord of(Account a) {
      return of(a, null);
    }

    static AccountRecord of(Account a, List<KeyRecord> keys) {
      return new AccountRecord(
          a.getId().toString(),
          a.getName(),
          a.getTier(),
          a.isEnabled(),
          text(a.getCreatedAt()),
          new Overrides(
              a.getRpsOverride(),
              a.getBurstOverride(),
              a.getCuPerSecondOverride(),
              a.getMonthlyCuOverride(),
              a.getWsConnectionsOverride(),
              a.isSenderExempt() ? Boolean.TRUE : null),
          a.getNetworks().isEmpty() ? null : List.copyOf(a.getNetworks()),
          text(a.getFlaggedHighRateAt()),
          a.getTokenSubject(),
          keys);
    }
  }

  /** An account's overrides of its tier; one not set is left out. */
  public record Overrides(
      Double rps,
      Long burst,
      Double cuPerSecond,
      Long monthlyCu,
      Integer wsConnections,
      Boolean senderExempt) {}

  /**
   * A key, by its prefix: never the whole key, except in {@code key} of the answer that created it,
   * nor its secret, except in {@code secret} of the answer that made it.
   */
  public record KeyRecord(
      String id,
      String accountId,
      String prefix,
      String createdAt,
      String label,
      String lastUsedAt,
      String revokedAt,
      Map<String, List<String>> allowlists,
      boolean hasSecret,
      boolean secretRequired,
      String key,
      String secret) {
    static KeyRecord of(ApiKey k) {
      return of(k, null, null);
    }

    static KeyRecord of(ApiKey k, String key, String secret) {
      Map<String, List<String>> lists = new LinkedHashMap<>();
      Allowlists a = k.getAllowlists();
      for (String name : Allowlists.NAMES) {
        lists.put(name, List.copyOf(a.entries(name)));
      }
      return new KeyRecord(
          k.getId().toString(),
          k.getAccountId().toString(),
          k.getPrefix(),
          text(k.getCreatedAt()),
          k.getLabel() == null ? "" : k.getLabel(),
          text(k.getLastUsedAt()),
          text(k.getRevokedAt()),
          lists,
          k.getSecretHash() != null,
          k.isSecretRequired(),
          key,
          secret);
    }
  }

  /** A blocklist entry; {@code expiresAt} left out when it never expires. */
  public record BlockedRecord(
      String id, String cidr, String createdAt, String reason, String expiresAt) {
    static BlockedRecord of(BlockedAddress b) {
      return new BlockedRecord(
          b.getId().toString(),
          b.getCidr(),
          text(b.getCreatedAt()),
          b.getReason() == null ? "" : b.getReason(),
          text(b.getExpiresAt()));
    }
  }

  /** One change in the audit trail: who made it, what, to what, and when. */
  public record AuditEntry(String actor, String action, String target, String detail, String at) {
    static AuditEntry of(AuditRecord r) {
      return new AuditEntry(
          r.getActor(), r.getAction(), r.getTarget(), r.getDetail(), text(r.getAt()));
    }
  }

  /** An admin API failure: what went wrong and, for a bad value, the field that holds it. */
  public record ErrorRecord(String error, String field) {
    static ErrorRecord of(String error) {
      return new ErrorRecord(error, null);
    }
  }

  /** A network: chain id, default or not, hosts, best head, upstreams and those in rotation. */
  public record NetworkRecord(
      String name,
      long chainId,
      @JsonbProperty("default") boolean isDefault,
      List<String> hosts,
      long head,
      int upstreams,
      int inRotation) {}

  /**
   * An upstream as this instance sees it; {@code stateFrom} null when it serves every block's
   * state, {@code lag} and {@code head} -1 while not known.
   */
  public record UpstreamRecord(
      String name,
      String network,
      long chainId,
      long seenChainId,
      String state,
      boolean inRotation,
      boolean lagging,
      long head,
      long lag,
      long safe,
      long finalized,
      double latencyMillis,
      long requests,
      long failures,
      long hedges,
      long disagreements,
      long txRefusals,
      String calls,
      String lastFailure,
      @JsonbNillable Long stateFrom) {
    static UpstreamRecord of(Network network, Upstream u) {
      long best = network.bestHead();
      long head = u.head().latest();
      long stateFrom = u.stateFrom();
      return new UpstreamRecord(
          u.name(),
          network.name(),
          u.chainId(),
          u.seenChainId(),
          u.breaker().shownState(),
          u.breaker().inRotation(),
          u.head().lagging(),
          head,
          head < 0 || best < 0 ? -1 : best - head,
          u.head().safe(),
          u.head().finalized(),
          u.latencyMillis(),
          u.requests(),
          u.failures(),
          u.hedges(),
          u.disagreements(),
          u.transactionRefusals(),
          network.callsGoOver(u),
          u.breaker().lastFailure(),
          stateFrom > 0 ? stateFrom : null);
    }
  }

  /** A throttled episode: refusal class, the key it was counted against, refusals, first/last. */
  public record EpisodeRecord(
      @JsonbProperty("class") String refusalClass,
      String key,
      long count,
      String firstSeen,
      String lastSeen) {
    static EpisodeRecord of(Episode e) {
      return new EpisodeRecord(
          e.refusalClass(), e.key(), e.count(), text(e.firstSeen()), text(e.lastSeen()));
    }
  }

  /** The configuration in effect; {@code lastReload} is empty before any change was looked at. */
  public record ConfigRecord(
      long version,
      String appliedAt,
      ReloadRecord lastReload,
      List<String> needsRestart,
      Map<String, String> values) {}

  /** A look for a configuration change: its outcome, when, and what it found. */
  public record ReloadRecord(String outcome, String at, String detail) {
    static ReloadRecord of(String outcome, Instant at, String detail) {
      return new ReloadRecord(outcome, text(at), detail);
    }
  }

  /** The response cache on this instance since start; {@code hitRatio} -1 before any lookup. */
  public record CacheRecord(boolean enabled, long hits, long misses, double hitRatio) {}

  /**
   * Sums of {@code usage_daily} rows: the group's name under the field the grouping names ({@code
   * day}, {@code method}, {@code network} or {@code key}), or {@code account} and {@code key} for
   * the top keys.
   */
  public record UsageRecord(
      String day,
      String method,
      String network,
      String account,
      String key,
      long requests,
      long computeUnits,
      long refusals,
      long errors) {
    static UsageRecord grouped(String by, DailyUsage u) {
      String name = u.name();
      return new UsageRecord(
          by.equals("day") ? name : null,
          by.equals("method") ? name : null,
          by.equals("network") ? name : null,
          null,
          by.equals("key") ? name : null,
          u.requests(),
          u.computeUnits(),
          u.refusals(),
          u.errors());
    }

    static UsageRecord top(String account, String key, DailyUsage u) {
      return new UsageRecord(
          null, null, null, account, key, u.requests(), u.computeUnits(), u.refusals(), u.errors());
    }
  }

  /** An account's month: compute units, requests and refusals, in all and per network. */
  public record MonthRecord(
      String period,
      long computeUnits,
      long requests,
      long refusals,
      Map<String, NetworkMonth> networks) {}

  /** An account's month on one network. */
  public record NetworkMonth(long computeUnits, long requests, long refusals) {
    static NetworkMonth of(AccountStore.Usage u) {
      return new NetworkMonth(u.computeUnits(), u.requests(), u.refusals());
    }
  }
}
