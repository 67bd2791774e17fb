package dev.rpcshield.pipeline;

import dev.rpcshield.config.Current;
import dev.rpcshield.jsonrpc.ParsedBody;
import dev.rpcshield.jsonrpc.RpcBodyException;
import dev.rpcshield.jsonrpc.RpcError;
import dev.rpcshield.jsonrpc.RpcParser;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * The first stage: a JSON-RPC 2.0 body (single or batch) under the size, depth and batch limits,
 * read into members that keep the client's own bytes.
 */
@ApplicationScoped
public class Parsing {
  @Inject Current<GatewayConfig> config;

  private Current<RpcParser> parser;

  /** The parsed body, or why the body as a whole is refused. */
  public record Result(ParsedBody body, RpcError refusal) {}

  @PostConstruct
  void init() {
    parser = config.map(c -> new RpcParser(c.parseLimits()));
  }

  public Result parse(byte[] body, int length) {
    try {
      return new Result(parser.get().parse(body, length), null);
    } catch (RpcBodyException e) {
      return new Result(null, e.error());
    }
  }
}
