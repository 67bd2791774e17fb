package dev.rpcshield.gateway;

import dev.rpcshield.account.Accounts;
import dev.rpcshield.config.Settings;
import dev.rpcshield.identity.Caller;
import dev.rpcshield.jsonrpc.InvalidMember;
import dev.rpcshield.jsonrpc.Member;
import dev.rpcshield.jsonrpc.ParseLimits;
import dev.rpcshield.jsonrpc.ParsedBody;
import dev.rpcshield.jsonrpc.RpcBodyException;
import dev.rpcshield.jsonrpc.RpcCall;
import dev.rpcshield.jsonrpc.RpcError;
import dev.rpcshield.jsonrpc.RpcErrorCode;
import dev.rpcshield.jsonrpc.RpcParser;
import dev.rpcshield.jsonrpc.RpcWriter;
import dev.rpcshield.jsonrpc.UpstreamReply;
import dev.rpcshield.limit.Decision;
import dev.rpcshield.limit.Limits;
import dev.rpcshield.limit.Rule;
import dev.rpcshield.ops.EventLog;
import dev.rpcshield.ops.GatewayMetrics;
import dev.rpcshield.ops.RequestIds;
import dev.rpcshield.ratewatch.Ratewatch;
import dev.rpcshield.sender.InvalidTransactionException;
import dev.rpcshield.sender.SenderThrottle;
import dev.rpcshield.sender.SignedTransaction;
import dev.rpcshield.upstream.BlockRequirement;
import dev.rpcshield.upstream.Deadline;
import dev.rpcshield.upstream.Forwarder;
import dev.rpcshield.upstream.UpstreamGroup;
import dev.rpcshield.upstream.Upstreams;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * The request path shared by every transport: parse, check each call against policy, answer what
 * can be answered locally, forward the rest to their upstream groups (split into minibatches and
 * sent concurrently), and re-join the answers in the client's order with the client's ids.
 */
@ApplicationScoped
public class RpcGateway {
  private static final String SEND_RAW = "eth_sendRawTransaction";

  @Inject Upstreams upstreams;
  @Inject Subscriptions subscriptions;
  @Inject GatewayMetrics metrics;
  @Inject Limits limits;
  @Inject SenderThrottle senders;
  @Inject Accounts accounts;
  @Inject Ratewatch ratewatch;

  private RpcParser parser;
  private MethodAllowList allowList;
  private final AtomicLong nextId = new AtomicLong(1);

  @PostConstruct
  void init() {
    Settings s = new Settings(ConfigProvider.getConfig());
    ParseLimits d = ParseLimits.DEFAULTS;
    parser =
        new RpcParser(
            new ParseLimits(
                s.integer("rpcshield.limits.max-body-bytes", d.maxBodyBytes()),
                s.integer("rpcshield.limits.max-batch-size", d.maxBatchSize()),
                s.integer("rpcshield.limits.max-depth", d.maxDepth()),
                s.integer("rpcshield.limits.max-number-length", d.maxNumberLength()),
                s.integer("rpcshield.limits.max-string-length", d.maxStringLength())));
    allowList =
        new MethodAllowList(
            s.list("rpcshield.methods.allowed", List.of(MethodAllowList.STANDARD_TOKEN)),
            s.list("rpcshield.methods.denied", List.of()));
  }

  public ParseLimits limits() {
    return parser.limits();
  }

  /**
   * Serves one HTTP body ({@code sink} null) or one WebSocket message ({@code sink} the client's
   * connection, which subscriptions push to).
   */
  public GatewayReply handle(byte[] body, int length, Caller caller, ClientSink sink) {
    long started = System.nanoTime();
    String identity = caller.identityType();
    String requestId = null;
    ParsedBody parsed;
    try {
      parsed = parser.parse(body, length);
    } catch (RpcBodyException e) {
      metrics.call("invalid", "invalid", identity, Duration.ofNanos(System.nanoTime() - started));
      return single(RpcWriter.error(null, e.error()), e.error().code().httpStatus());
    }
    List<Member> members = parsed.members();
    byte[][] out = new byte[members.size()][];
    int[] status = new int[members.size()];
    String[] outcome = new String[members.size()];
    String[] senderOf = new String[members.size()];
    List<Pending> pending = new ArrayList<>();
    List<Integer> charged = new ArrayList<>();
    List<List<Rule>> rules = new ArrayList<>();
    for (int i = 0; i < members.size(); i++) {
      Member m = members.get(i);
      status[i] = 200;
      outcome[i] = "ok";
      if (m instanceof InvalidMember invalid) {
        out[i] = RpcWriter.error(invalid.rawId(), invalid.error());
        status[i] = invalid.error().code().httpStatus();
        outcome[i] = "invalid";
        continue;
      }
      RpcCall call = (RpcCall) m;
      RpcError refusal = refusal(call, sink != null);
      if (refusal != null) {
        refuse(i, call, refusal, out, status, outcome);
        metrics.refusal("method");
        requestId = requestId == null ? RequestIds.next() : requestId;
        EventLog.refusal(requestId, identity, "other", "method", refusal.message());
        continue;
      }
      if (call.method().equals("eth_accounts")) {
        out[i] = call.isNotification() ? null : RpcWriter.result(call.rawId(), "[]");
        continue;
      }
      List<Rule> callRules = new ArrayList<>(limits.rulesFor(caller, call.method()));
      if (call.method().equals(SEND_RAW)) {
        try {
          SignedTransaction tx = senders.decoder().decode(call.firstStringParam());
          senderOf[i] = tx.sender();
          Rule senderRule = senders.ruleFor(tx);
          boolean exempt = caller.account() != null && caller.account().limits().senderExempt();
          if (senderRule != null && !exempt) {
            callRules.add(senderRule);
          }
        } catch (InvalidTransactionException e) {
          refuse(
              i,
              call,
              new RpcError(RpcErrorCode.INVALID_PARAMS, e.getMessage()),
              out,
              status,
              outcome);
          outcome[i] = "invalid";
          continue;
        }
      }
      charged.add(i);
      rules.add(callRules);
    }
    Decision shown = null;
    if (!charged.isEmpty()) {
      List<Decision> decisions = limits.store().charge(rules);
      for (int n = 0; n < charged.size(); n++) {
        int i = charged.get(n);
        RpcCall call = (RpcCall) members.get(i);
        Decision d = quota(caller, call, decisions.get(n));
        shown = shown == null || !d.allowed() && shown.allowed() ? d : shown;
        if (d.allowed()) {
          metrics.computeUnits("call", limits.computeUnits().of(call.method()));
        }
        if (caller.account() != null) {
          if (d.allowed()) {
            accounts
                .usage()
                .served(caller.account().accountId(), limits.computeUnits().of(call.method()));
          } else {
            accounts.usage().refused(caller.account().accountId());
          }
        }
        if (!d.allowed()) {
          boolean sender = "sender".equals(d.rule());
          RpcError error =
              RpcError.of(
                  sender ? RpcErrorCode.SENDER_OVER_LIMIT : RpcErrorCode.RATE_LIMITED,
                  (sender ? "" : d.rule() + ", ")
                      + ("monthly".equals(d.rule())
                          ? "this month's compute units are used up; the quota resets at "
                              + Instant.ofEpochSecond(d.resetEpochSecond())
                          : "retry in " + d.retryAfterSeconds() + " s"));
          refuse(i, call, error, out, status, outcome);
          String refusalClass =
              sender ? "sender" : d.rule().startsWith("method:") ? "method-rate" : d.rule();
          requestId = requestId == null ? RequestIds.next() : requestId;
          ratewatch.refused(
              caller,
              sender ? senderOf[i] : null,
              requestId,
              allowList.allows(call.method()) ? call.method() : "other",
              refusalClass,
              error.message());
        } else if (call.method().equals("eth_subscribe")) {
          out[i] = subscriptions.subscribe(sink, call);
        } else if (call.method().equals("eth_unsubscribe")) {
          out[i] = subscriptions.unsubscribe(sink, call);
        } else {
          pending.add(new Pending(i, call, upstreams.groupFor(call.method())));
        }
      }
    }
    if (!pending.isEmpty()) {
      forward(pending, caller, out, status, outcome);
    }
    Duration took = Duration.ofNanos(System.nanoTime() - started);
    for (int i = 0; i < members.size(); i++) {
      Member m = members.get(i);
      String method = m instanceof RpcCall c && allowList.allows(c.method()) ? c.method() : "other";
      metrics.call(m instanceof InvalidMember ? "invalid" : method, outcome[i], identity, took);
    }
    Map<String, String> headers = headers(shown);
    if (!parsed.batch()) {
      return out[0] == null
          ? new GatewayReply(200, new byte[0], headers)
          : new GatewayReply(status[0], out[0], headers);
    }
    List<byte[]> entries = new ArrayList<>(members.size());
    for (byte[] entry : out) {
      if (entry != null) {
        entries.add(entry);
      }
    }
    return new GatewayReply(
        200, entries.isEmpty() ? new byte[0] : RpcWriter.batch(entries), headers);
  }

  /**
   * The monthly compute-unit quota of a keyed caller, checked after the rate rules passed: the
   * database total plus what this instance has not flushed yet (see UsageMeter).
   */
  private Decision quota(Caller caller, RpcCall call, Decision rates) {
    if (!rates.allowed() || caller.account() == null) {
      return rates;
    }
    long monthly = caller.account().limits().monthlyCu();
    long cost = limits.computeUnits().of(call.method());
    if (accounts.usage().withinQuota(caller.account().accountId(), cost, monthly)) {
      return rates;
    }
    long reset =
        YearMonth.now(ZoneOffset.UTC)
            .plusMonths(1)
            .atDay(1)
            .atStartOfDay(ZoneOffset.UTC)
            .toEpochSecond();
    return new Decision(
        false,
        "monthly",
        monthly,
        0,
        Math.max(0, reset * 1000 - System.currentTimeMillis()),
        reset);
  }

  private static void refuse(
      int i, RpcCall call, RpcError error, byte[][] out, int[] status, String[] outcome) {
    if (!call.isNotification()) {
      out[i] = RpcWriter.error(call.rawId(), error);
    }
    status[i] = error.code().httpStatus();
    outcome[i] = "refused";
  }

  /** X-RateLimit-* for the decision shown to the client, and Retry-After when it refused. */
  private static Map<String, String> headers(Decision d) {
    if (d == null || d.rule() == null) {
      return Map.of();
    }
    Map<String, String> h = new LinkedHashMap<>();
    h.put("X-RateLimit-Limit", Long.toString(d.limit()));
    h.put("X-RateLimit-Remaining", Long.toString(Math.max(0, d.remaining())));
    h.put("X-RateLimit-Reset", Long.toString(d.resetEpochSecond()));
    if (!d.allowed()) {
      h.put("Retry-After", Long.toString(d.retryAfterSeconds()));
    }
    return h;
  }

  private RpcError refusal(RpcCall call, boolean webSocket) {
    String method = call.method();
    if (!allowList.allows(method)) {
      return RpcError.of(RpcErrorCode.METHOD_NOT_ALLOWED, method);
    }
    if (!webSocket && (method.equals("eth_subscribe") || method.equals("eth_unsubscribe"))) {
      return RpcError.of(RpcErrorCode.METHOD_NOT_ALLOWED, method + " needs a WebSocket connection");
    }
    return null;
  }

  /** One call waiting for an upstream. */
  private record Pending(int index, RpcCall call, UpstreamGroup group) {}

  /** Calls sent together to one group. */
  private record Minibatch(UpstreamGroup group, List<Pending> calls, boolean submitsTransaction) {}

  private void forward(
      List<Pending> pending, Caller caller, byte[][] out, int[] status, String[] outcome) {
    Deadline deadline = Deadline.after(upstreams.clock(), upstreams.requestTimeout());
    List<Minibatch> batches = split(pending);
    if (batches.size() == 1) {
      send(batches.get(0), deadline, caller, out, status, outcome);
      return;
    }
    List<Thread> threads = new ArrayList<>(batches.size() - 1);
    for (int b = 1; b < batches.size(); b++) {
      Minibatch mb = batches.get(b);
      threads.add(Thread.ofVirtual().start(() -> send(mb, deadline, caller, out, status, outcome)));
    }
    send(batches.get(0), deadline, caller, out, status, outcome);
    for (Thread t : threads) {
      try {
        t.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /**
   * Groups calls by upstream group, at most the group's batch size each. Transaction submissions
   * travel alone, so a retry of a batch can never send one twice.
   */
  private static List<Minibatch> split(List<Pending> pending) {
    Map<UpstreamGroup, List<Pending>> byGroup = new LinkedHashMap<>();
    List<Minibatch> out = new ArrayList<>();
    for (Pending p : pending) {
      if (p.call().method().equals(SEND_RAW)) {
        out.add(new Minibatch(p.group(), List.of(p), true));
      } else {
        byGroup.computeIfAbsent(p.group(), g -> new ArrayList<>()).add(p);
      }
    }
    for (Map.Entry<UpstreamGroup, List<Pending>> e : byGroup.entrySet()) {
      int size = batchSize(e.getKey());
      List<Pending> calls = e.getValue();
      for (int from = 0; from < calls.size(); from += size) {
        out.add(
            new Minibatch(
                e.getKey(), calls.subList(from, Math.min(calls.size(), from + size)), false));
      }
    }
    return out;
  }

  private static int batchSize(UpstreamGroup group) {
    int size = Integer.MAX_VALUE;
    for (var u : group.members()) {
      size = Math.min(size, u.settings().maxBatchSize());
    }
    return size;
  }

  private void send(
      Minibatch mb,
      Deadline deadline,
      Caller caller,
      byte[][] out,
      int[] status,
      String[] outcome) {
    int n = mb.calls().size();
    long[] ids = new long[n];
    byte[] payload;
    if (n == 1) {
      ids[0] = nextId.getAndIncrement();
      payload = mb.calls().get(0).call().withId(ids[0]);
    } else {
      List<byte[]> parts = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        ids[i] = nextId.getAndIncrement();
        parts.add(mb.calls().get(i).call().withId(ids[i]));
      }
      payload = RpcWriter.batch(parts);
    }
    BlockRequirement need = BlockRequirement.NONE;
    for (Pending p : mb.calls()) {
      need = need.and(BlockRequirement.of(p.call().method(), p.call()::rawParams));
    }
    Forwarder.Outcome result =
        upstreams
            .forwarder()
            .send(
                upstreams.order(mb.group(), need),
                new Forwarder.Exchange(payload, ids, n > 1, mb.submitsTransaction()),
                deadline,
                caller.clientIp());
    for (int i = 0; i < n; i++) {
      Pending p = mb.calls().get(i);
      if (result instanceof Forwarder.Answered a) {
        status[p.index()] = 200;
        UpstreamReply.Answer answer = a.byId().get(ids[i]);
        outcome[p.index()] = answer.isError() ? "error" : "ok";
        if (!p.call().isNotification()) {
          out[p.index()] = answer(p.call(), a.reply(), answer);
        }
      } else if (result instanceof Forwarder.Failed f) {
        status[p.index()] = f.error().code().httpStatus();
        outcome[p.index()] = "failed";
        if (!p.call().isNotification()) {
          out[p.index()] = RpcWriter.error(p.call().rawId(), f.error());
        }
      }
    }
  }

  /**
   * The upstream's answer with the client's id; eth_blockNumber is raised to the best known head
   * and never goes below a number this instance answered before (see HeadTracker).
   */
  private byte[] answer(RpcCall call, UpstreamReply reply, UpstreamReply.Answer answer) {
    if (call.method().equals("eth_blockNumber") && !answer.isError()) {
      String result = reply.resultJson(answer);
      long n =
          result != null && result.length() > 2
              ? BlockRequirement.number(result.substring(1, result.length() - 1))
              : -1;
      if (n >= 0) {
        long served = upstreams.heads().blockNumberToServe(n, upstreams.all());
        if (served > n) {
          return RpcWriter.result(call.rawId(), "\"0x" + Long.toHexString(served) + "\"");
        }
      }
    }
    return reply.withClientId(answer, call.rawId());
  }

  private static GatewayReply single(byte[] body, int status) {
    return new GatewayReply(status, body, Map.of());
  }
}
