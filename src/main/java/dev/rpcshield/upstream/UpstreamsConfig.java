package dev.rpcshield.upstream;

import dev.rpcshield.config.Settings;
import dev.rpcshield.upstream.chain.VerifyLink;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Upstreams, groups and their tunables as read from MicroProfile Config. The table in
 * docs/configuration.md documents every key read here.
 *
 * @param groups in declaration order; the first is {@code default}
 * @param webSocketUpstreams {@code rpcshield.upstreams.ws}: each followed for the newHeads and logs
 *     subscriptions, and where other subscriptions go, in failover order (default none)
 * @param webSocketTimeout connect and subscribe timeout of those (default 10 s)
 * @param unresponsiveAfter requests waiting this long on an upstream that answers nothing at all
 *     (no call, head poll or probe) take it out of rotation (default 1500 ms; zero: never)
 */
public record UpstreamsConfig(
    List<UpstreamSettings> upstreams,
    List<GroupSettings> groups,
    int failureThreshold,
    Duration outOfService,
    Duration probeInterval,
    Duration connectTimeout,
    long maxResponseBytes,
    Duration requestTimeout,
    Duration backoffBase,
    Duration backoffMax,
    ErrorClassifier classifier,
    HeadSettings heads,
    Map<String, URI> webSocketUpstreams,
    Duration webSocketTimeout,
    Hedging hedging,
    Duration unresponsiveAfter,
    Consensus consensus,
    Integrity integrity,
    Verification verification,
    Transactions transactions,
    int backfillBlocks) {

  /** Public endpoints used when no upstreams are configured, so a laptop run works at once. */
  public static final String PUBLIC_UPSTREAMS =
      "publicnode=https://ethereum-rpc.publicnode.com,"
          + "llamarpc=https://eth.llamarpc.com,"
          + "onerpc=https://1rpc.io/eth";

  /**
   * Chain-head tracking (see {@link HeadTracker}).
   *
   * @param pollInterval how often each upstream's head is polled (default 1 s)
   * @param maxLag blocks behind the best head that take an upstream out (default 5)
   * @param recoverLag blocks behind at which it returns (default 2)
   * @param confirmations consecutive lagging polls before it leaves (default 2)
   * @param stallTimeout a head unmoved this long while others advance is out (default 60 s)
   */
  public record HeadSettings(
      Duration pollInterval,
      long maxLag,
      long recoverLag,
      int confirmations,
      Duration stallTimeout) {}

  /**
   * Hedged requests: a call (never a transaction submission) that an upstream has not answered
   * within its hedge delay is also sent to the next upstream of the group, and the first answer
   * wins.
   *
   * @param maxExtra extra attempts per call (default 1; zero turns hedging off)
   * @param minDelay shortest hedge delay (default 50 ms)
   * @param maxDelay longest hedge delay (default 1 s)
   * @param budgetPercent hedges allowed per 100 calls, so a slow fleet is not sent twice the load
   *     (default 10)
   */
  public record Hedging(int maxExtra, Duration minDelay, Duration maxDelay, int budgetPercent) {
    /** No hedged requests. */
    public static final Hedging OFF = new Hedging(0, Duration.ZERO, Duration.ZERO, 0);
  }

  /**
   * Consensus: a call of one of {@code methods} is asked of {@code ask} upstreams at once and
   * answered only when {@code agree} of them return the same result.
   *
   * @param methods exact method names (default none: consensus is off)
   * @param ask upstreams asked at once (default 3)
   * @param agree answers that must be equal (default 2)
   */
  public record Consensus(Set<String> methods, int ask, int agree) {
    public Consensus {
      methods = Set.copyOf(methods);
    }

    /** No call under consensus. */
    public static final Consensus OFF = new Consensus(Set.of(), 3, 2);
  }

  /**
   * Proven answers: a call of one of {@code methods} is answered only with a value proven against a
   * header that {@code headerQuorum} distinct upstreams gave.
   *
   * @param methods verified methods (default none)
   * @param headerQuorum upstreams that must give the same header (default 2, or 1 with one
   *     upstream)
   */
  public record Verification(Set<String> methods, int headerQuorum) {
    public Verification {
      methods = Set.copyOf(methods);
    }
  }

  /**
   * Integrity checks of upstream answers, each on by default.
   *
   * @param logs eth_getLogs answers with a log outside the asked block range or block hash are
   *     discarded and another upstream is asked
   * @param missingBlocks a block by number that an upstream answers {@code null} although its head
   *     is at or past it is asked of another upstream
   * @param canonical a receipt or transaction of another block than the trusted one at its height
   *     is asked of another upstream
   */
  public record Integrity(boolean logs, boolean missingBlocks, boolean canonical) {}

  /**
   * How eth_sendRawTransaction is sent, and what the gateway remembers of what it sent.
   *
   * @param broadcastAll whether a transaction goes to every upstream of its group in rotation at
   *     once ({@code rpcshield.tx.broadcast=all}) rather than to the first that takes it ({@code
   *     first}, the default)
   * @param pendingNonceFor how long a sender's highest accepted nonce raises its {@code pending}
   *     transaction count (default 2 minutes; zero forgets at once)
   * @param rebroadcastFor how long a taken transaction is sent again, on each new head, to the
   *     upstreams that do not have it until it is included (default zero: never)
   * @param trackedMax most transactions remembered per network, one kept to be rebroadcast counting
   *     once per KiB of it (default 10,000)
   */
  public record Transactions(
      boolean broadcastAll, Duration pendingNonceFor, Duration rebroadcastFor, int trackedMax) {}

  /**
   * A group of upstreams and the methods routed to it.
   *
   * @param methods exact names or prefixes ending in {@code *}; empty for the default group
   */
  public record GroupSettings(
      String name, Strategy strategy, List<String> upstreams, List<String> methods) {}

  public static UpstreamsConfig read(Settings s) {
    Map<String, String> urls =
        s.pairs("rpcshield.upstreams", s.network() == null ? PUBLIC_UPSTREAMS : "");
    if (urls.isEmpty()) {
      throw new IllegalArgumentException(s.scoped("rpcshield.upstreams") + " names no upstream");
    }
    List<UpstreamSettings> upstreams = upstreams(s, urls);
    List<GroupSettings> groups = groups(s, urls);
    Consensus consensus = consensus(s, groups);
    return new UpstreamsConfig(
        upstreams,
        groups,
        s.integer("rpcshield.upstream.failure-threshold", 3),
        s.duration("rpcshield.upstream.out-of-service", Duration.ofSeconds(10)),
        s.duration("rpcshield.upstream.probe-interval", Duration.ofSeconds(1)),
        s.duration("rpcshield.upstream.connect-timeout", Duration.ofSeconds(2)),
        s.longValue("rpcshield.upstream.max-response-bytes", 64L << 20),
        s.duration("rpcshield.request.timeout", Duration.ofSeconds(20)),
        s.duration("rpcshield.upstream.backoff", Duration.ofMillis(50)),
        s.duration("rpcshield.upstream.backoff-max", Duration.ofSeconds(1)),
        classifier(s),
        new HeadSettings(
            s.duration("rpcshield.upstream.head-poll-interval", Duration.ofSeconds(1)),
            s.longValue("rpcshield.upstream.max-lag-blocks", 5),
            s.longValue("rpcshield.upstream.recover-lag-blocks", 2),
            s.integer("rpcshield.upstream.lag-confirmations", 2),
            s.duration("rpcshield.upstream.stall-timeout", Duration.ofSeconds(60))),
        webSocketUpstreams(s),
        s.duration("rpcshield.upstream.ws.timeout", Duration.ofSeconds(10)),
        hedging(s),
        unresponsiveAfter(s),
        consensus,
        new Integrity(
            s.bool("rpcshield.integrity.logs", true),
            s.bool("rpcshield.integrity.missing-blocks", true),
            s.bool("rpcshield.integrity.canonical", true)),
        verification(s, upstreams.size(), consensus),
        transactions(s),
        backfillBlocks(s));
  }

  /** Most blocks a newHeads subscription fetches to fill a jump of its stream (default 128). */
  private static int backfillBlocks(Settings s) {
    int blocks = s.integer("rpcshield.subscriptions.backfill-blocks", 128);
    Settings.require(
        blocks >= 0 && blocks <= 1024,
        s.scoped("rpcshield.subscriptions.backfill-blocks"),
        blocks,
        "0 to 1024");
    return blocks;
  }

  private static Transactions transactions(Settings s) {
    String broadcast = s.string("rpcshield.tx.broadcast", "first");
    Settings.require(
        broadcast.equals("first") || broadcast.equals("all"),
        s.scoped("rpcshield.tx.broadcast"),
        broadcast,
        "first or all");
    Duration pendingNonceFor = s.duration("rpcshield.tx.pending-nonce-for", Duration.ofMinutes(2));
    Duration rebroadcastFor = s.duration("rpcshield.tx.rebroadcast-for", Duration.ZERO);
    int trackedMax = s.integer("rpcshield.tx.tracked-max", 10_000);
    Settings.require(
        trackedMax >= 1, s.scoped("rpcshield.tx.tracked-max"), trackedMax, "1 or more");
    return new Transactions(broadcast.equals("all"), pendingNonceFor, rebroadcastFor, trackedMax);
  }

  /**
   * The head poll is what shows an idle upstream alive, so a stall must outlast the poll interval.
   */
  private static Duration unresponsiveAfter(Settings s) {
    Duration after = s.duration("rpcshield.upstream.unresponsive-after", Duration.ofMillis(1500));
    Duration poll = s.duration("rpcshield.upstream.head-poll-interval", Duration.ofSeconds(1));
    Settings.require(
        after.isZero() || after.compareTo(poll) > 0,
        "rpcshield.upstream.unresponsive-after",
        after,
        "0, or longer than rpcshield.upstream.head-poll-interval (" + poll.toMillis() + " ms)");
    return after;
  }

  private static Hedging hedging(Settings s) {
    int maxExtra = s.integer("rpcshield.upstream.hedge.max-extra", 1);
    Settings.require(maxExtra >= 0, "rpcshield.upstream.hedge.max-extra", maxExtra, "0 or more");
    Duration min = s.duration("rpcshield.upstream.hedge.min-delay", Duration.ofMillis(50));
    Duration max = s.duration("rpcshield.upstream.hedge.max-delay", Duration.ofSeconds(1));
    Settings.require(
        max.compareTo(min) >= 0,
        "rpcshield.upstream.hedge.max-delay",
        max,
        "at least rpcshield.upstream.hedge.min-delay");
    int budget = s.integer("rpcshield.upstream.hedge.budget-percent", 10);
    Settings.require(
        budget >= 0 && budget <= 100, "rpcshield.upstream.hedge.budget-percent", budget, "0-100");
    return new Hedging(maxExtra, min, max, budget);
  }

  /**
   * Verification settings: supported methods not under consensus, a quorum the upstreams can reach.
   */
  private static Verification verification(Settings s, int upstreams, Consensus consensus) {
    List<String> methods = s.list("rpcshield.verify.methods", List.of());
    for (String m : methods) {
      Settings.require(
          !consensus.methods().contains(m),
          s.scoped("rpcshield.verify.methods"),
          m,
          "methods not also in rpcshield.consensus.methods (a proven answer needs no vote)");
      Settings.require(
          VerifyLink.SUPPORTED.contains(m),
          s.scoped("rpcshield.verify.methods"),
          m,
          "methods the gateway can prove: "
              + String.join(", ", VerifyLink.SUPPORTED.stream().sorted().toList()));
    }
    int quorum = s.integer("rpcshield.verify.header-quorum", upstreams == 1 ? 1 : 2);
    Settings.require(
        quorum >= 1 && quorum <= upstreams,
        s.scoped("rpcshield.verify.header-quorum"),
        quorum,
        "1 to the network's upstreams (" + upstreams + ")");
    return new Verification(Set.copyOf(methods), quorum);
  }

  /**
   * Consensus settings: each method under it must be served by a group with at least {@code agree}
   * upstreams, and transaction submissions never are (they are not sent twice to be compared).
   */
  private static Consensus consensus(Settings s, List<GroupSettings> groups) {
    List<String> methods = s.list("rpcshield.consensus.methods", List.of());
    int ask = s.integer("rpcshield.consensus.ask", 3);
    int agree = s.integer("rpcshield.consensus.agree", 2);
    Settings.require(ask >= 1, s.scoped("rpcshield.consensus.ask"), ask, "1 or more");
    Settings.require(
        agree >= 1 && agree <= ask,
        s.scoped("rpcshield.consensus.agree"),
        agree,
        "1 to rpcshield.consensus.ask (" + ask + ")");
    MethodRouter<GroupSettings> router = new MethodRouter<>(groups.get(0));
    for (int i = 1; i < groups.size(); i++) {
      router.route(groups.get(i).methods(), groups.get(i));
    }
    for (String m : methods) {
      Settings.require(
          !m.endsWith("*") && !m.equals("eth_sendRawTransaction"),
          s.scoped("rpcshield.consensus.methods"),
          m,
          "method names (not prefixes), eth_sendRawTransaction excepted");
      GroupSettings group = router.groupFor(m);
      Settings.require(
          group.upstreams().size() >= agree,
          s.scoped("rpcshield.consensus.methods"),
          m,
          "methods served by a group of at least rpcshield.consensus.agree ("
              + agree
              + ") upstreams; group "
              + group.name()
              + " has "
              + group.upstreams().size());
    }
    return new Consensus(Set.copyOf(methods), ask, agree);
  }

  private static Map<String, URI> webSocketUpstreams(Settings s) {
    Map<String, URI> out = new LinkedHashMap<>();
    s.pairs("rpcshield.upstreams.ws", "")
        .forEach((name, url) -> {
          URI uri;
          try {
            uri = new URI(url);
          } catch (URISyntaxException e) {
            throw Settings.invalid("rpcshield.upstreams.ws", url, "ws:// or wss:// URLs");
          }
          Settings.require(
              uri.getScheme() != null && uri.getScheme().matches("wss?"),
              "rpcshield.upstreams.ws",
              name + "=" + url,
              "ws:// or wss:// URLs");
          out.put(name, uri);
        });
    return out;
  }

  /** Each upstream's settings, per-upstream keys over the shared defaults. */
  private static List<UpstreamSettings> upstreams(Settings s, Map<String, String> urls) {
    Duration defaultTimeout = s.duration("rpcshield.upstream.timeout", Duration.ofSeconds(10));
    int defaultRetries = s.integer("rpcshield.upstream.retries", 1);
    int defaultInFlight = s.integer("rpcshield.upstream.max-in-flight", 256);
    int defaultBatch = s.integer("rpcshield.upstream.max-batch-size", 50);
    Duration defaultStateRecheck =
        s.duration("rpcshield.upstream.state-recheck", UpstreamSettings.STATE_RECHECK);
    List<UpstreamSettings> upstreams = new ArrayList<>();
    for (Map.Entry<String, String> e : urls.entrySet()) {
      String name = e.getKey();
      Settings.require(
          name.matches("[A-Za-z0-9]+"),
          s.scoped("rpcshield.upstreams"),
          name + "=" + e.getValue(),
          "upstream names of letters and digits");
      UpstreamEndpoint endpoint = UpstreamEndpoint.read(s, name, e.getValue());
      String p = "rpcshield.upstream." + name + ".";
      upstreams.add(
          new UpstreamSettings(
              name,
              endpoint.url(),
              s.duration(p + "timeout", defaultTimeout),
              s.integer(p + "retries", defaultRetries),
              s.integer(p + "weight", 1),
              s.decimal(p + "max-rps", 0),
              s.integer(p + "max-in-flight", defaultInFlight),
              endpoint.headers(),
              s.bool(p + "forward-client-ip", false),
              s.integer(p + "max-batch-size", defaultBatch),
              s.bool(p + "calls-over-ws", false),
              stateBlocks(s, p + "state-blocks"),
              s.duration(p + "state-recheck", defaultStateRecheck)));
    }
    return upstreams;
  }

  /** {@code archive} (or not set): 0; else the number of recent blocks, at least 1. */
  private static long stateBlocks(Settings s, String key) {
    String value = s.string(key, "archive").trim();
    if (value.equalsIgnoreCase("archive")) {
      return 0;
    }
    long blocks;
    try {
      blocks = Long.parseLong(value);
    } catch (NumberFormatException e) {
      throw Settings.invalid(s.scoped(key), value, "archive, or a number of recent blocks");
    }
    Settings.require(blocks >= 1, s.scoped(key), value, "archive, or a number of recent blocks");
    return blocks;
  }

  /** The default group (every upstream unless listed) and the named groups, members checked. */
  private static List<GroupSettings> groups(Settings s, Map<String, String> urls) {
    List<GroupSettings> groups = new ArrayList<>();
    groups.add(
        new GroupSettings(
            "default",
            Strategy.parse(s.string("rpcshield.group.default.strategy", "failover")),
            s.list("rpcshield.group.default.upstreams", List.copyOf(urls.keySet())),
            List.of()));
    for (String g : s.list("rpcshield.groups", List.of())) {
      if (g.equals("default")) {
        continue;
      }
      String p = "rpcshield.group." + g + ".";
      List<String> members = s.list(p + "upstreams", List.of());
      if (members.isEmpty()) {
        throw new IllegalArgumentException(
            s.scoped(p + "upstreams") + " must name at least one upstream");
      }
      groups.add(
          new GroupSettings(
              g,
              Strategy.parse(s.string(p + "strategy", "failover")),
              members,
              s.list(p + "methods", List.of())));
    }
    Set<String> known = new HashSet<>(urls.keySet());
    for (GroupSettings g : groups) {
      for (String m : g.upstreams()) {
        if (!known.contains(m)) {
          throw new IllegalArgumentException(
              "group "
                  + g.name()
                  + " names upstream '"
                  + m
                  + "', which "
                  + s.scoped("rpcshield.upstreams")
                  + " lacks");
        }
      }
    }
    return groups;
  }

  /** Which JSON-RPC errors are the provider's fault, so the request moves on. */
  private static ErrorClassifier classifier(Settings s) {
    String codes = "rpcshield.upstream.failover-error-codes";
    return new ErrorClassifier(
        new HashSet<>(
            s
                .list(codes, ErrorClassifier.DEFAULT_CODES.stream().map(String::valueOf).toList())
                .stream()
                .map(c -> Settings.parse(codes, c, Integer::valueOf))
                .toList()),
        s.list("rpcshield.upstream.failover-error-messages", ErrorClassifier.DEFAULT_MESSAGES));
  }
}
