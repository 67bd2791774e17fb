package dev.rpcshield.telemetry;

import java.util.Map;
import org.eclipse.microprofile.metrics.Metadata;

/**
 * Every metric name RpcShield publishes, in one place (docs/operations.md lists them), each with
 * the HELP text Prometheus shows for it.
 */
public final class MetricNames {
  public static final String REQUESTS = "rpcshield.requests";
  public static final String REQUEST_DURATION = "rpcshield.request.duration";
  public static final String REFUSALS = "rpcshield.refusals";
  public static final String COMPUTE_UNITS = "rpcshield.compute.units";
  public static final String CLIENT_ABORTS = "rpcshield.client.aborts";
  public static final String WS_MESSAGES = "rpcshield.ws.messages";
  public static final String WS_CONNECTIONS = "rpcshield.ws.connections";
  public static final String WS_SUBSCRIPTIONS = "rpcshield.ws.subscriptions";
  public static final String UPSTREAM_REQUESTS = "rpcshield.upstream.requests";
  public static final String UPSTREAM_REQUEST_DURATION = "rpcshield.upstream.request.duration";
  public static final String UPSTREAM_STATE_CHANGES = "rpcshield.upstream.state.changes";
  public static final String UPSTREAM_HEAD_LAG = "rpcshield.upstream.head.lag.blocks";
  public static final String UPSTREAM_FINALIZED = "rpcshield.upstream.finalized.block";
  public static final String HEDGES = "rpcshield.hedges";
  public static final String HEDGE_WINS = "rpcshield.hedge.wins";
  public static final String HTTP_RESPONSES = "rpcshield.http.responses";
  public static final String ERRORS = "rpcshield.errors";
  public static final String UPSTREAM_FAILURES = "rpcshield.upstream.failures";
  public static final String UPSTREAM_HEDGES = "rpcshield.upstream.hedges";
  public static final String UPSTREAM_LATENCY = "rpcshield.upstream.latency.ms";
  public static final String UPSTREAM_IN_ROTATION = "rpcshield.upstream.in.rotation";
  public static final String UPSTREAM_HEAD = "rpcshield.upstream.head";
  public static final String UPSTREAM_LAGGING = "rpcshield.upstream.lagging";
  public static final String UPSTREAM_WRONG_CHAIN = "rpcshield.upstream.wrong.chain";
  public static final String UPSTREAM_DISAGREEMENTS = "rpcshield.upstream.disagreements";
  public static final String UPSTREAM_TX_REFUSALS = "rpcshield.upstream.tx.refusals";
  public static final String TX_REBROADCASTS = "rpcshield.tx.rebroadcasts";
  public static final String TX_TRACKED = "rpcshield.tx.tracked";
  public static final String TX_INCLUDED = "rpcshield.tx.included";
  public static final String TX_REPLACED = "rpcshield.tx.replaced";
  public static final String TX_EXPIRED = "rpcshield.tx.expired";
  public static final String FLAGS_RAISED = "rpcshield.ratewatch.flags.raised";
  public static final String REDIS_FALLBACKS = "rpcshield.limiter.redis.fallbacks";
  public static final String DATABASE_UP = "rpcshield.account.database.up";
  public static final String ACCOUNTS_NEAR_QUOTA = "rpcshield.accounts.near.monthly.quota";
  public static final String CACHE_HITS = "rpcshield.cache.hits";
  public static final String CACHE_MISSES = "rpcshield.cache.misses";
  public static final String CACHE_BYTES = "rpcshield.cache.stored.bytes";
  public static final String CACHE_EVICTIONS = "rpcshield.cache.evictions";
  public static final String CACHE_ERRORS = "rpcshield.cache.store.errors";
  public static final String CONFIG_RELOADS = "rpcshield.config.reloads";

  private static final Map<String, String> HELP =
      Map.ofEntries(
          Map.entry(REQUESTS, "JSON-RPC calls answered, by method, outcome and identity type"),
          Map.entry(REQUEST_DURATION, "Time to serve one HTTP body or WebSocket message"),
          Map.entry(REFUSALS, "Calls refused by the gateway, by refusal class"),
          Map.entry(COMPUTE_UNITS, "Compute units served, by what used them: call or notification"),
          Map.entry(CLIENT_ABORTS, "HTTP requests whose client hung up before its body arrived"),
          Map.entry(WS_MESSAGES, "WebSocket messages received from clients"),
          Map.entry(WS_CONNECTIONS, "WebSocket client connections open now"),
          Map.entry(WS_SUBSCRIPTIONS, "Client subscriptions active now"),
          Map.entry(
              UPSTREAM_REQUESTS,
              "Attempts sent to the upstream, by method (batch for several) and outcome: ok, error"
                  + " (the chain's error answer), abandoned (a hedge answered first) or the"
                  + " failure's kind"),
          Map.entry(UPSTREAM_REQUEST_DURATION, "Time of each attempt at the upstream"),
          Map.entry(
              UPSTREAM_STATE_CHANGES,
              "Changes of the upstream's state, by the state it went to (as its event log says)"),
          Map.entry(
              UPSTREAM_HEAD_LAG,
              "Blocks the upstream's latest is behind its network's best head (-1: not known)"),
          Map.entry(UPSTREAM_FINALIZED, "The upstream's finalized block number as last polled"),
          Map.entry(HEDGES, "Hedges sent, by the upstream a request was hedged to"),
          Map.entry(
              HEDGE_WINS,
              "Hedges whose answer was the one used, by the upstream that gave it (the rest of"
                  + " rpcshield_hedges_total lost to the attempt they raced, or failed)"),
          Map.entry(HTTP_RESPONSES, "HTTP answers on the JSON-RPC paths, by status"),
          Map.entry(
              ERRORS,
              "JSON-RPC errors answered, by code (chain: an error answer of the chain's, passed"
                  + " on)"),
          Map.entry(UPSTREAM_FAILURES, "Attempts to the upstream that failed, since start"),
          Map.entry(UPSTREAM_HEDGES, "Hedged attempts started on the upstream, since start"),
          Map.entry(UPSTREAM_LATENCY, "Smoothed latency of the upstream's answers, milliseconds"),
          Map.entry(UPSTREAM_IN_ROTATION, "1 while the upstream takes traffic, else 0"),
          Map.entry(UPSTREAM_HEAD, "The upstream's latest block number as last polled"),
          Map.entry(UPSTREAM_LAGGING, "1 while the upstream lags the best head, else 0"),
          Map.entry(
              UPSTREAM_WRONG_CHAIN,
              "1 while the upstream's eth_chainId is not its network's chain id, else 0"),
          Map.entry(
              UPSTREAM_DISAGREEMENTS,
              "Answers of the upstream that differed from the one its peers agreed on, failed an"
                  + " integrity check, or did not verify, by method"),
          Map.entry(
              UPSTREAM_TX_REFUSALS,
              "Broadcast transactions the upstream refused or failed to take, since start"),
          Map.entry(
              TX_REBROADCASTS,
              "Transactions sent again to an upstream that did not have them, by network"),
          Map.entry(TX_TRACKED, "Transactions being rebroadcast until included, by network"),
          Map.entry(TX_INCLUDED, "Rebroadcast transactions found in a block, by network"),
          Map.entry(
              TX_REPLACED,
              "Rebroadcast transactions another of the same sender and nonce replaced, by network"),
          Map.entry(
              TX_EXPIRED,
              "Rebroadcast transactions not included within rpcshield.tx.rebroadcast-for, by network"),
          Map.entry(FLAGS_RAISED, "Accounts flagged as high-rate by ratewatch, since start"),
          Map.entry(
              REDIS_FALLBACKS, "Calls to the shared Redis store served from local state instead"),
          Map.entry(
              DATABASE_UP,
              "1 while the account database answered its last change poll (every 500 ms), else 0:"
                  + " keys then come from the cache"),
          Map.entry(
              ACCOUNTS_NEAR_QUOTA,
              "Accounts whose last call this instance checked this month would bring them to 90 %"
                  + " or more of their monthly compute-unit quota"),
          Map.entry(CACHE_HITS, "Cacheable calls answered from the response cache"),
          Map.entry(CACHE_MISSES, "Cacheable calls the response cache did not hold"),
          Map.entry(CACHE_BYTES, "Bytes of results written to the response cache"),
          Map.entry(CACHE_EVICTIONS, "Entries the in-memory response cache evicted for room"),
          Map.entry(
              CACHE_ERRORS, "Response cache store calls that failed (a miss, or nothing kept)"),
          Map.entry(
              CONFIG_RELOADS,
              "Configuration changes seen, by outcome: applied, refused or needs_restart"));

  private MetricNames() {}

  /** The metric's name with its HELP text. */
  public static Metadata metadata(String name) {
    String help = HELP.get(name);
    if (help == null) {
      throw new IllegalArgumentException("no HELP text for metric " + name);
    }
    return Metadata.builder().withName(name).withDescription(help).build();
  }
}
