package dev.rpcshield.http;

import dev.rpcshield.config.Current;
import dev.rpcshield.config.DirectBean;
import dev.rpcshield.config.Generation;
import dev.rpcshield.jsonrpc.Refusal;
import dev.rpcshield.jsonrpc.RpcError;
import dev.rpcshield.jsonrpc.RpcErrorCode;
import dev.rpcshield.net.Bodies;
import dev.rpcshield.pipeline.GatewayReply;
import dev.rpcshield.pipeline.Pipeline;
import dev.rpcshield.pipeline.Replies;
import dev.rpcshield.pipeline.Request;
import dev.rpcshield.telemetry.RequestIds;
import dev.rpcshield.telemetry.RequestMetrics;
import dev.rpcshield.telemetry.Trace;
import dev.rpcshield.telemetry.Tracing;
import dev.rpcshield.ws.SocketSettings;
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
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * JSON-RPC over HTTP POST at {@code /} and {@code /v1/{apiKey}} and per network at {@code
 * /{network}} and {@code /{network}/v1/{apiKey}}, and the WebSocket upgrade on the same paths; a
 * path without a network serves the network whose {@code hosts} name the request's host, else the
 * default network. A POST and an upgrade enter alike through {@link Ingress} (network, admission,
 * refusals). It only translates: the body (bounded, and usually already in the socket buffer) is
 * read on the container thread, the pipeline runs there up to the outbound call, and the answer is
 * written when that call completes, from the thread that completes it (a large one from a virtual
 * thread), so a slow upstream holds no thread at all. When serving may block (Redis), the pipeline
 * runs on a virtual thread instead. A request is served under the configuration generation the
 * ingress took when it entered.
 */
@WebServlet(urlPatterns = "/", asyncSupported = true)
public class RpcServlet extends HttpServlet {
  private static final Logger LOG = Logger.getLogger(RpcServlet.class.getName());
  private static final long serialVersionUID = 1L;

  /** Answers larger than this are written from a virtual thread, not the upstream's I/O thread. */
  private static final int LARGE = 64 * 1024;

  static final String REQUEST_ID = "X-Request-Id";

  @Inject transient Pipeline pipeline;
  @Inject transient Ingress ingress;
  @Inject transient SocketUpgrade sockets;
  @Inject transient ClientAborts aborts;
  @Inject transient Current<Generation> generations;
  @Inject transient RequestMetrics metrics;
  @Inject transient Tracing tracing;

  private final transient ExecutorService work = Executors.newVirtualThreadPerTaskExecutor();

  /** Reaches the gateway's parts without their client proxies ({@link DirectBean}). */
  @Override
  public void init() {
    pipeline = DirectBean.of(pipeline);
    ingress = DirectBean.of(ingress);
    sockets = DirectBean.of(sockets);
    aborts = DirectBean.of(aborts);
    metrics = DirectBean.of(metrics);
    tracing = DirectBean.of(tracing);
  }

  @Override
  public void destroy() {
    work.shutdown();
  }

  /**
   * A JSON-RPC body: admitted by the ingress, read (at most one byte over the limit, so the parser
   * refuses a chunked body that is too large as it refuses any), then served.
   */
  @Override
  protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
    String requestId = requestId(req, resp);
    Trace trace =
        tracing.request(
            "jsonrpc", req.getHeader("traceparent"), req.getHeader("tracestate"), requestId);
    try {
      post(req, resp, requestId, trace);
    } catch (IOException | RuntimeException e) {
      // Not handed to the pipeline, which would have ended the span with the answer.
      answered(trace, 500);
      throw e;
    }
  }

  private void post(HttpServletRequest req, HttpServletResponse resp, String requestId, Trace trace)
      throws IOException {
    Trace admission = trace.child("rpcshield.admission");
    Ingress.Entry entry;
    try {
      entry = ingress.enter(Arrival.of(req, false, requestId));
    } finally {
      admission.end();
    }
    if (!(entry instanceof Ingress.Admitted admitted)) {
      refused(resp, (Ingress.Refused) entry);
      answered(trace, resp.getStatus());
      return;
    }
    admitted.headers().forEach(resp::setHeader);
    byte[] body;
    try {
      body = Bodies.read(req.getInputStream(), req.getContentLengthLong(), admitted.maxBodyBytes());
    } catch (SocketTimeoutException e) {
      aborts.aborted();
      late(resp, requestId);
      answered(trace, 408);
      return;
    } catch (IOException e) {
      aborts.aborted();
      trace.failed("the client went away");
      trace.end();
      return;
    }
    AsyncContext async = req.startAsync();
    async.setTimeout(0);
    Request request =
        new Request(
            body,
            body.length,
            admitted.caller(),
            null,
            admitted.network(),
            admitted.generation(),
            requestId,
            trace);
    if (pipeline.blocks()) {
      work.execute(() -> serve(async, request));
    } else {
      serve(async, request);
    }
  }

  /**
   * The body was still arriving when {@code rpcshield.http.read-deadline} (the time Liberty gives a
   * body once the headers are in) passed: the client is told so, and Liberty closes the connection
   * after a 408. One that hung up instead (end of stream) has nobody to tell.
   */
  private void late(HttpServletResponse resp, String requestId) {
    try {
      error(
          resp,
          408,
          RpcError.of(
              RpcErrorCode.INVALID_REQUEST,
              "the request body did not arrive within the read deadline"),
          requestId);
    } catch (IOException | IllegalStateException gone) {
      LOG.fine("client went away before it could be told its body was late");
    }
  }

  private void serve(AsyncContext async, Request request) {
    pipeline
        .serve(request)
        .whenComplete((done, failure) -> {
          if (failure == null && done.body().length > LARGE) {
            work.execute(() -> respond(async, done, null, request));
          } else {
            respond(async, done, failure, request);
          }
        });
  }

  /** Writes the reply (or a 500 for a failure) and completes the request. */
  private void respond(AsyncContext async, GatewayReply reply, Throwable failure, Request request) {
    String requestId = request.requestId();
    HttpServletResponse resp = (HttpServletResponse) async.getResponse();
    try {
      if (failure != null) {
        LOG.log(Level.WARNING, "request " + requestId + " failed", failure);
        if (!resp.isCommitted()) {
          error(resp, 500, RpcError.of(RpcErrorCode.INTERNAL_ERROR), requestId);
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
      LOG.log(Level.WARNING, "request " + requestId + " failed", e);
    } finally {
      int status = resp.getStatus();
      try {
        async.complete();
      } finally {
        answered(request.trace(), status);
      }
    }
  }

  /** Ends a request's span with the HTTP status it was answered with. */
  private static void answered(Trace trace, int status) {
    if (trace.recording()) {
      trace.attribute("http.response.status_code", status);
      if (status >= 500) {
        trace.failed("HTTP " + status);
      }
      trace.end();
    }
  }

  /**
   * OPTIONS on a JSON-RPC path is a CORS preflight when it carries {@code Origin} and {@code
   * Access-Control-Request-Method}: 204 with the CORS headers, or 403 without them (the browser
   * then refuses the call). Without those headers it only says which methods the path takes.
   */
  @Override
  protected void doOptions(HttpServletRequest req, HttpServletResponse resp) throws IOException {
    String requestId = requestId(req, resp);
    if (RpcPath.of(req.getRequestURI().substring(req.getContextPath().length())) == null) {
      error(
          resp,
          404,
          RpcError.of(RpcErrorCode.INVALID_REQUEST, "no JSON-RPC endpoint at this path"),
          requestId);
      return;
    }
    String origin = req.getHeader("Origin");
    String method = req.getHeader("Access-Control-Request-Method");
    if (origin == null || method == null) {
      resp.setHeader("Allow", "GET, POST, OPTIONS");
      metrics.httpResponse(204);
      resp.setStatus(204);
      return;
    }
    CorsPolicy.Preflight answer =
        generations
            .get()
            .get(CorsPolicy.class)
            .preflight(origin, method, req.getHeader("Access-Control-Request-Headers"));
    answer.headers().forEach(resp::setHeader);
    if (answer.allowed()) {
      metrics.httpResponse(204);
      resp.setStatus(204);
    } else {
      error(
          resp,
          403,
          RpcError.of(RpcErrorCode.FORBIDDEN, "this origin, method or header is not allowed"),
          requestId);
    }
  }

  /** GET serves only WebSocket upgrades on the JSON-RPC paths, admitted by the ingress. */
  @Override
  protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
    String requestId = requestId(req, resp);
    if ("websocket".equalsIgnoreCase(req.getHeader("Upgrade"))) {
      Ingress.Entry entry = ingress.enter(Arrival.of(req, true, requestId));
      if (!(entry instanceof Ingress.Admitted admitted)) {
        refused(resp, (Ingress.Refused) entry);
        return;
      }
      Refusal capped =
          sockets.upgrade(
              req,
              resp,
              admitted.caller(),
              admitted.network(),
              admitted.generation().get(SocketSettings.class));
      if (capped != null) {
        refused(resp, ingress.refuse(admitted.caller(), capped, admitted.headers(), requestId));
      }
      return;
    }
    resp.setHeader("Allow", "POST");
    error(
        resp,
        405,
        RpcError.of(RpcErrorCode.INVALID_REQUEST, "send JSON-RPC with HTTP POST"),
        requestId);
  }

  /**
   * The request's id, the client's own {@code X-Request-Id} when usable, else a new one; every
   * answer carries it in {@code X-Request-Id}.
   */
  private static String requestId(HttpServletRequest req, HttpServletResponse resp) {
    String id = RequestIds.of(req.getHeader(REQUEST_ID));
    resp.setHeader(REQUEST_ID, id);
    return id;
  }

  private void refused(HttpServletResponse resp, Ingress.Refused refused) throws IOException {
    write(resp, refused.status(), refused.body(), refused.headers());
  }

  private void error(HttpServletResponse resp, int status, RpcError error, String requestId)
      throws IOException {
    write(resp, status, Replies.refused(error, requestId).body(), RateLimitHeaders.of(error));
  }

  /** Writes a JSON answer and counts its status. */
  private void write(HttpServletResponse resp, int status, byte[] body, Map<String, String> headers)
      throws IOException {
    metrics.httpResponse(status);
    send(resp, status, body, headers);
  }

  /**
   * Writes a JSON answer, uncounted; also the container's error pages' ({@link ErrorPageServlet}).
   */
  static void send(HttpServletResponse resp, int status, byte[] body, Map<String, String> headers)
      throws IOException {
    resp.setStatus(status);
    ReasonPhrases.set(resp, status);
    headers.forEach(resp::setHeader);
    resp.setContentType("application/json");
    resp.setContentLength(body.length);
    resp.getOutputStream().write(body);
  }
}
