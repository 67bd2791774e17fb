package dev.rpcshield.telemetry;

import dev.rpcshield.config.DirectBean;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.util.List;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The requests' traces, through Liberty's MicroProfile Telemetry (OpenTelemetry): a server span per
 * request, a child of the client's W3C {@code traceparent}, with spans for its stages and one per
 * upstream attempt. On only while {@code otel.sdk.disabled} is false, which {@link TracingDefaults}
 * makes it when an OTLP endpoint is configured; off, a request's {@link Trace} records nothing and
 * only hands the client's {@code traceparent} on to the upstreams.
 */
@ApplicationScoped
public class Tracing extends DirectBean {
  private static final String SCOPE = "dev.rpcshield";

  @Inject Instance<OpenTelemetry> telemetry;

  @Inject
  @ConfigProperty(name = "otel.sdk.disabled", defaultValue = "true")
  boolean disabled;

  private Tracer tracer;

  @PostConstruct
  void start() {
    if (!disabled && telemetry.isResolvable()) {
      tracer = telemetry.get().getTracer(SCOPE);
    }
  }

  /** Whether spans are recorded and exported. */
  public boolean on() {
    return tracer != null;
  }

  /**
   * The trace of a request whose client sent {@code traceparent} and {@code tracestate} (either may
   * be null): its server span, named {@code name}, when tracing is on.
   */
  public Trace request(String name, String traceparent, String tracestate, String requestId) {
    return tracer == null
        ? Trace.passing(traceparent)
        : of(tracer, name, traceparent, tracestate, requestId);
  }

  /**
   * A request's trace recorded by {@code tracer}, as {@link #request} makes it when on: a child of
   * the span the container made for the request, when it made one (then not the server span
   * itself), else of the client's {@code traceparent}.
   */
  public static Trace of(
      Tracer tracer, String name, String traceparent, String tracestate, String requestId) {
    boolean contained = Span.current().getSpanContext().isValid();
    Context parent =
        contained
            ? Context.current()
            : Trace.valid(traceparent)
                ? W3CTraceContextPropagator.getInstance()
                    .extract(Context.root(), new String[] {traceparent, tracestate}, CLIENT_HEADERS)
                : Context.root();
    Span span =
        tracer
            .spanBuilder(name)
            .setSpanKind(contained ? SpanKind.INTERNAL : SpanKind.SERVER)
            .setParent(parent)
            .setAttribute("rpc.system", "jsonrpc")
            .setAttribute("rpcshield.request_id", requestId == null ? "" : requestId)
            .startSpan();
    return new Spanned(tracer, span);
  }

  /** The two trace headers a client sent, as the propagator reads them. */
  private static final TextMapGetter<String[]> CLIENT_HEADERS =
      new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(String[] headers) {
          return List.of("traceparent", "tracestate");
        }

        @Override
        public String get(String[] headers, String key) {
          if (headers == null) {
            return null;
          }
          return switch (key) {
            case "traceparent" -> headers[0];
            case "tracestate" -> headers[1];
            default -> null;
          };
        }
      };

  /** A recorded span. */
  private record Spanned(Tracer tracer, Span span) implements Trace {
    @Override
    public Trace child(String name) {
      return new Spanned(
          tracer, tracer.spanBuilder(name).setParent(Context.root().with(span)).startSpan());
    }

    @Override
    public Trace upstream(String upstream, String method) {
      return new Spanned(
          tracer,
          tracer
              .spanBuilder("rpcshield.upstream")
              .setSpanKind(SpanKind.CLIENT)
              .setParent(Context.root().with(span))
              .setAttribute("rpc.system", "jsonrpc")
              .setAttribute("rpc.method", method)
              .setAttribute("rpcshield.upstream", upstream)
              .startSpan());
    }

    @Override
    public Trace attribute(String key, String value) {
      span.setAttribute(key, value);
      return this;
    }

    @Override
    public Trace attribute(String key, long value) {
      span.setAttribute(key, value);
      return this;
    }

    @Override
    public void failed(String reason) {
      span.setStatus(StatusCode.ERROR, reason);
    }

    @Override
    public void end() {
      span.end();
    }

    @Override
    public boolean recording() {
      return true;
    }

    @Override
    public String traceparent() {
      SpanContext c = span.getSpanContext();
      if (!c.isValid()) {
        return null;
      }
      return "00-" + c.getTraceId() + "-" + c.getSpanId() + "-" + c.getTraceFlags().asHex();
    }
  }
}
