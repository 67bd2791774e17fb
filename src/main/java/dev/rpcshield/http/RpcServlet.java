package dev.rpcshield.http;

import dev.rpcshield.config.Current;
import dev.rpcshield.identity.Caller;
import dev.rpcshield.jsonrpc.Refusal;
import dev.rpcshield.jsonrpc.RpcError;
import dev.rpcshield.jsonrpc.RpcErrorCode;
import dev.rpcshield.net.Bodies;
import dev.rpcshield.pipeline.Admission;
import dev.rpcshield.pipeline.GatewayConfig;
import dev.rpcshield.pipeline.GatewayReply;
import dev.rpcshield.pipeline.Pipeline;
import dev.rpcshield.pipeline.Refusals;
import dev.rpcshield.pipeline.Replies;
import dev.rpcshield.pipeline.Request;
import dev.rpcshield.telemetry.RequestIds;
import dev.rpcshield.upstream.Network;
import dev.rpcshield.upstream.Upstreams;
import dev.rpcshield.ws.SocketUpgrade;
import jakarta.inject.Inject;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * JSON-RPC over HTTP POST at {@code /} and {@code /v1/{apiKey}} and per network at {@code
 * /{network}} and {@code /{network}/v1/{apiKey}}, and the WebSocket upgrade on the same paths; a
 * path without a network serves the network whose {@code hosts} name the request's host, else the
 * default network. It only translates: the body (bounded, and usually already in the socket buffer)
 * is read on the container thread, the pipeline runs there up to the outbound call, and the answer
 * is written when that call completes, from the thread that completes it (a large one from a
 * virtual thread), so a slow upstream holds no thread at all. When serving may block (Redis), the
 * pipeline runs on a virtual thread instead.
 */
@WebServlet(urlPatterns = "/", asyncSupported = true)
public class RpcServlet extends HttpServlet {
  private static final Logger LOG = Logger.getLogger(RpcServlet.class.getName());
  private static final long serialVersionUID = 1L;

  /** Answers larger than this are written from a virtual thread, not the upstream's I/O thread. */
  private static final int LARGE = 64 * 1024;

  /** The most characters of an unknown network's name an error repeats. */
  static final int SHOWN_NAME = 64;

  @Inject transient Pipeline pipeline;
  @Inject transient Current<GatewayConfig> config;
  @Inject transient CallerResolver callers;
  @Inject transient SocketUpgrade sockets;
  @Inject transient Admission admission;
  @Inject transient ClientAborts aborts;
  @Inject transient Upstreams upstreams;
  @Inject transient Current<CorsPolicy> cors;
  @Inject transient Refusals refusals;

  private final transient ExecutorService work = Executors.newVirtualThreadPerTaskExecutor();

  @Override
  public void destroy() {
    work.shutdown();
  }

  @Override
  protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
    RpcPath path = RpcPath.of(req.getRequestURI().substring(req.getContextPath().length()));
    if (path == null) {
      error(
          resp,
          404,
          RpcError.of(RpcErrorCode.INVALID_REQUEST, "no JSON-RPC endpoint at this path"));
      return;
    }
    cors.get().answer(req.getHeader("Origin")).forEach(resp::setHeader);
    Network network = network(req, path);
    if (network == null) {
      unknownNetwork(resp, path);
      return;
    }
    String framing = req.getHeader("Transfer-Encoding");
    if (framing != null
        && (!framing.equalsIgnoreCase("chunked") || req.getHeader("Content-Length") != null)) {
      error(
          resp,
          400,
          RpcError.of(
              RpcErrorCode.INVALID_REQUEST,
              "Transfer-Encoding must be chunked alone, without Content-Length"));
      return;
    }
    int max = config.get().parseLimits().maxBodyBytes();
    long declared = req.getContentLengthLong();
    if (declared > max) {
      error(resp, 413, RpcError.of(RpcErrorCode.BODY_TOO_LARGE, "body exceeds " + max + " bytes"));
      return;
    }
    Admission.Result admitted =
        admission.admit(callers.resolve(req, path.apiKey()), network.name());
    if (admitted.refusal() != null) {
      refuse(resp, admitted.caller(), admitted.refusal());
      return;
    }
    Caller caller = admitted.caller();
    byte[] body;
    try {
      body = Bodies.read(req.getInputStream(), declared, max);
    } catch (SocketTimeoutException e) {
      aborts.aborted();
      late(resp);
      return;
    } catch (IOException e) {
      aborts.aborted();
      return;
    }
    AsyncContext async = req.startAsync();
    async.setTimeout(0);
    if (pipeline.blocks()) {
      work.execute(() -> serve(async, caller, network, body, max));
    } else {
      serve(async, caller, network, body, max);
    }
  }

  /**
   * The body was still arriving when {@code rpcshield.http.read-deadline} (the time Liberty gives a
   * body once the headers are in) passed: the client is told so, and Liberty closes the connection
   * after a 408. One that hung up instead (end of stream) has nobody to tell.
   */
  private static void late(HttpServletResponse resp) {
    try {
      error(
          resp,
          408,
          RpcError.of(
              RpcErrorCode.INVALID_REQUEST,
              "the request body did not arrive within the read deadline"));
    } catch (IOException | IllegalStateException gone) {
      LOG.fine("client went away before it could be told its body was late");
    }
  }

  /** The network a request is for: the path's, else its host's, else the default (null: none). */
  private Network network(HttpServletRequest req, RpcPath path) {
    if (path.network() != null) {
      return upstreams.network(path.network());
    }
    String host = req.getServerName();
    Network byHost = host == null ? null : upstreams.forHost(host.toLowerCase(Locale.ROOT));
    return byHost != null ? byHost : upstreams.defaultNetwork();
  }

  private void unknownNetwork(HttpServletResponse resp, RpcPath path) throws IOException {
    error(
        resp,
        404,
        RpcError.of(
            RpcErrorCode.INVALID_REQUEST,
            "this gateway serves no network named '" + shown(path.network()) + "'"));
  }

  /**
   * An unknown network's name as its error shows it: up to {@link #SHOWN_NAME} characters, so a
   * client cannot make the gateway echo a path of any length.
   */
  static String shown(String network) {
    return network.length() <= SHOWN_NAME ? network : network.substring(0, SHOWN_NAME) + "...";
  }

  private void serve(AsyncContext async, Caller caller, Network network, byte[] body, int max) {
    if (body.length > max) {
      respond(
          async,
          Replies.refused(
              RpcError.of(RpcErrorCode.BODY_TOO_LARGE, "body exceeds " + max + " bytes")),
          null);
      return;
    }
    CompletionStage<GatewayReply> reply;
    try {
      reply = pipeline.serve(new Request(body, body.length, caller, null, network));
    } catch (RuntimeException e) {
      reply = CompletableFuture.failedFuture(e);
    }
    reply.whenComplete((done, failure) -> {
      if (failure == null && done.body().length > LARGE) {
        work.execute(() -> respond(async, done, null));
      } else {
        respond(async, done, failure);
      }
    });
  }

  /** Writes the reply (or a 500 for a failure) and completes the request. */
  private void respond(AsyncContext async, GatewayReply reply, Throwable failure) {
    HttpServletResponse resp = (HttpServletResponse) async.getResponse();
    try {
      if (failure != null) {
        LOG.log(Level.WARNING, "request failed", failure);
        if (!resp.isCommitted()) {
          error(resp, 500, RpcError.of(RpcErrorCode.INTERNAL_ERROR));
        }
        return;
      }
      Map<String, String> headers = RateLimitHeaders.of(reply.decision());
      if (reply.cache() != null) {
        headers = new HashMap<>(headers);
        headers.put("X-Cache", reply.cache());
      }
      write(resp, reply.status(), reply.body(), headers);
    } catch (IOException e) {
      aborts.aborted();
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "request failed", e);
    } finally {
      async.complete();
    }
  }

  /**
   * OPTIONS on a JSON-RPC path is a CORS preflight when it carries {@code Origin} and {@code
   * Access-Control-Request-Method}: 204 with the CORS headers, or 403 without them (the browser
   * then refuses the call). Without those headers it only says which methods the path takes.
   */
  @Override
  protected void doOptions(HttpServletRequest req, HttpServletResponse resp) throws IOException {
    if (RpcPath.of(req.getRequestURI().substring(req.getContextPath().length())) == null) {
      error(
          resp,
          404,
          RpcError.of(RpcErrorCode.INVALID_REQUEST, "no JSON-RPC endpoint at this path"));
      return;
    }
    String origin = req.getHeader("Origin");
    String method = req.getHeader("Access-Control-Request-Method");
    if (origin == null || method == null) {
      resp.setHeader("Allow", "GET, POST, OPTIONS");
      resp.setStatus(204);
      return;
    }
    CorsPolicy.Preflight answer =
        cors.get().preflight(origin, method, req.getHeader("Access-Control-Request-Headers"));
    answer.headers().forEach(resp::setHeader);
    if (answer.allowed()) {
      resp.setStatus(204);
    } else {
      error(
          resp,
          403,
          RpcError.of(RpcErrorCode.FORBIDDEN, "this origin, method or header is not allowed"));
    }
  }

  /** GET serves only WebSocket upgrades on the JSON-RPC paths. */
  @Override
  protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
    if ("websocket".equalsIgnoreCase(req.getHeader("Upgrade"))) {
      RpcPath path = RpcPath.of(req.getRequestURI().substring(req.getContextPath().length()));
      if (path == null) {
        error(
            resp,
            404,
            RpcError.of(RpcErrorCode.INVALID_REQUEST, "no WebSocket endpoint at this path"));
        return;
      }
      Network network = network(req, path);
      if (network == null) {
        unknownNetwork(resp, path);
        return;
      }
      if (!sockets.settings().originAllowed(req.getHeader("Origin"))) {
        error(resp, 403, RpcError.of(RpcErrorCode.FORBIDDEN, "origin not allowed"));
        return;
      }
      Admission.Result admitted =
          admission.admit(callers.resolve(req, path.apiKey()), network.name());
      if (admitted.refusal() != null) {
        refuse(resp, admitted.caller(), admitted.refusal());
        return;
      }
      Refusal capped = sockets.upgrade(req, resp, admitted.caller(), network);
      if (capped != null) {
        refuse(resp, admitted.caller(), capped);
      }
      return;
    }
    resp.setHeader("Allow", "POST");
    error(resp, 405, RpcError.of(RpcErrorCode.INVALID_REQUEST, "send JSON-RPC with HTTP POST"));
  }

  private void refuse(HttpServletResponse resp, Caller caller, Refusal refusal) throws IOException {
    refusals.record(caller, RequestIds.next(), "-", refusal);
    error(resp, refusal.status(), refusal.error());
  }

  private static void error(HttpServletResponse resp, int status, RpcError error)
      throws IOException {
    write(resp, status, Replies.refused(error).body(), RateLimitHeaders.of(error));
  }

  /** Writes a JSON answer; also the container's error pages' ({@link ErrorPageServlet}). */
  static void write(HttpServletResponse resp, int status, byte[] body, Map<String, String> headers)
      throws IOException {
    resp.setStatus(status);
    headers.forEach(resp::setHeader);
    resp.setContentType("application/json");
    resp.setContentLength(body.length);
    resp.getOutputStream().write(body);
  }
}
