package dev.rpcshield.pipeline;

import dev.rpcshield.cache.ResponseCache;
import dev.rpcshield.config.Current;
import dev.rpcshield.jsonrpc.Member;
import dev.rpcshield.jsonrpc.RpcBodyException;
import dev.rpcshield.jsonrpc.RpcCall;
import dev.rpcshield.jsonrpc.RpcParser;
import dev.rpcshield.jsonrpc.RpcWriter;
import dev.rpcshield.jsonrpc.UpstreamReply;
import dev.rpcshield.logs.LogsConfig;
import dev.rpcshield.logs.LogsSplitter;
import dev.rpcshield.upstream.ClientSink;
import dev.rpcshield.upstream.Dispatcher;
import dev.rpcshield.upstream.Network;
import dev.rpcshield.upstream.Upstream;
import dev.rpcshield.upstream.UpstreamGroup;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The eth_getLogs stage, before upstream dispatch: refuses a filter over the gateway's caps, and
 * answers a range over the upstreams' cap from chunks, each looked up in the response cache and
 * otherwise sent through the dispatcher like any call. Each network has its own splitter, with the
 * chunk size of the upstreams that serve its eth_getLogs and its own heads. A WebSocket client that
 * has hung up gets no more chunks fetched: the split fails at the next one.
 */
@ApplicationScoped
public class LogsSplitting {
  @Inject Current<LogsConfig> config;
  @Inject Dispatcher dispatcher;
  @Inject Caching caching;
  @Inject Current<GatewayConfig> gateway;

  /** A network's splitter and what it was built from: the limits and the serving group. */
  private record Built(LogsConfig config, UpstreamGroup group, LogsSplitter splitter) {}

  private final Map<String, Built> splitters = new ConcurrentHashMap<>();
  private Current<RpcParser> parser;

  @PostConstruct
  void build() {
    parser = gateway.map(c -> new RpcParser(c.parseLimits()));
  }

  /** The network's splitter, built again when the limits or the upstreams serving it change. */
  private LogsSplitter splitter(Network n) {
    LogsConfig limits = config.get();
    UpstreamGroup group = n.groupFor("eth_getLogs");
    Built b = splitters.get(n.name());
    if (b == null || b.config() != limits || b.group() != group) {
      List<String> names = group.members().stream().map(Upstream::name).toList();
      b =
          new Built(
              limits,
              group,
              new LogsSplitter(n.name(), limits, limits.chunkRange(names), Caching.heads(n)));
      splitters.put(n.name(), b);
    }
    return b.splitter();
  }

  /** Refuses, answers from chunks, or lets an eth_getLogs member go on. */
  public Verdict split(Request request, RpcCall call) {
    if (!call.method().equals("eth_getLogs")) {
      return Verdict.PROCEED;
    }
    String ip = request.caller().clientIp();
    Network network = request.network();
    LogsSplitter splitter = splitter(network);
    ClientSink client = request.sink();
    return switch (splitter.serve(
        call.rawParams(),
        filter ->
            client != null && !client.isOpen()
                ? new LogsSplitter.Failed(false, "the client hung up")
                : fetch(network, filter, ip))) {
      case LogsSplitter.Forward f -> Verdict.PROCEED;
      case LogsSplitter.Refused r -> Verdict.refused(r.error());
      case LogsSplitter.Joined j ->
          new Verdict.Answered(RpcWriter.result(call.rawId(), j.resultJson()));
    };
  }

  private LogsSplitter.Chunk fetch(Network network, String filter, String clientIp) {
    byte[] body =
        ("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_getLogs\",\"params\":[" + filter + "]}")
            .getBytes(StandardCharsets.UTF_8);
    RpcCall chunk;
    try {
      Member m = parser.get().parse(body, body.length).members().get(0);
      if (!(m instanceof RpcCall c)) {
        return new LogsSplitter.Failed(false, "the chunk's filter is not a valid request");
      }
      chunk = c;
    } catch (RpcBodyException e) {
      return new LogsSplitter.Failed(false, e.error().message());
    }
    ResponseCache cache = caching.cache(network);
    ResponseCache.Lookup found =
        cache == null ? null : cache.lookup("eth_getLogs", chunk.rawParams());
    if (found != null && found.hit()) {
      return new LogsSplitter.Logs(found.result());
    }
    Dispatcher.Result result = dispatcher.send(network, List.of(chunk), clientIp).get(0);
    return switch (result) {
      case Dispatcher.Failure f -> new LogsSplitter.Failed(false, f.error().message());
      case Dispatcher.Answer a ->
          answered(a.body(), Caching.lagging(network, a.upstream()) ? null : found, cache);
    };
  }

  private static LogsSplitter.Chunk answered(
      byte[] response, ResponseCache.Lookup found, ResponseCache cache) {
    try {
      UpstreamReply reply = UpstreamReply.read(response);
      UpstreamReply.Answer answer = reply.answers().get(0);
      if (answer.isError()) {
        return new LogsSplitter.Failed(true, answer.errorMessage());
      }
      String logs = reply.resultJson(answer);
      if (found != null) {
        cache.remember(found, logs);
      }
      return new LogsSplitter.Logs(logs);
    } catch (IOException e) {
      return new LogsSplitter.Failed(false, "unreadable answer");
    }
  }
}
