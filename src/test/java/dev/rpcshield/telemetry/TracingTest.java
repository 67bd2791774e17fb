package dev.rpcshield.telemetry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rpcshield.testing.RecordedSpans;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A request's trace, recorded by OpenTelemetry's SDK, and what is handed on when tracing is off.
 */
class TracingTest {
  private static final String CLIENT_TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
  private static final String CLIENT_SPAN = "00f067aa0ba902b7";
  private static final String CLIENT = "00-" + CLIENT_TRACE + "-" + CLIENT_SPAN + "-01";

  private final RecordedSpans recorded = new RecordedSpans();

  @Test
  void onlyAWellFormedTraceparentIsTaken() {
    assertTrue(Trace.valid(CLIENT));
    assertFalse(Trace.valid(null));
    assertFalse(Trace.valid("00-" + "0".repeat(32) + "-" + CLIENT_SPAN + "-01"), "zero trace id");
    assertFalse(Trace.valid("00-" + CLIENT_TRACE + "-" + "0".repeat(16) + "-01"), "zero parent");
    assertFalse(Trace.valid(CLIENT.toUpperCase()), "upper-case hex");
    assertFalse(Trace.valid("01-" + CLIENT_TRACE + "-" + CLIENT_SPAN + "-01"), "unknown version");
    assertFalse(Trace.valid(CLIENT + "\r\nX-Injected: 1"), "a header smuggled in");
  }

  @Test
  void offTheClientsTraceparentIsHandedOnAndNothingIsRecorded() {
    Trace off = Trace.passing(CLIENT);
    Trace attempt = off.child("rpcshield.cache").upstream("p1", "eth_call");
    assertEquals(CLIENT, attempt.traceparent());
    assertFalse(attempt.recording());
    assertNull(Trace.passing("00-nonsense").traceparent());
    assertNull(Trace.NONE.traceparent());
  }

  @Test
  void aRequestIsAServerSpanOfTheClientsTraceWithItsStagesAndAttemptsBelow() {
    Trace request = Tracing.of(recorded.tracer(), "jsonrpc", CLIENT, "vendor=1", "req-7");
    Trace cache = request.child("rpcshield.cache");
    cache.end();
    Trace first = request.upstream("p1", "eth_call");
    Trace hedge = request.upstream("p2", "eth_call");
    first.failed("p1: timeout");
    first.end();
    hedge.end();
    request.end();

    SpanData server = recorded.named("jsonrpc").get(0);
    assertEquals(SpanKind.SERVER, server.getKind());
    assertEquals(CLIENT_TRACE, server.getTraceId(), "the client's trace");
    assertEquals(CLIENT_SPAN, server.getParentSpanId(), "a child of the client's span");
    assertEquals("1", server.getSpanContext().getTraceState().get("vendor"), "its tracestate");
    assertEquals(
        "req-7", server.getAttributes().get(AttributeKey.stringKey("rpcshield.request_id")));
    assertEquals(server.getSpanId(), recorded.named("rpcshield.cache").get(0).getParentSpanId());

    var attempts = recorded.named("rpcshield.upstream");
    assertEquals(2, attempts.size(), "each attempt, the hedge too, is a span of its own");
    for (SpanData a : attempts) {
      assertEquals(SpanKind.CLIENT, a.getKind());
      assertEquals(server.getSpanId(), a.getParentSpanId());
    }
    SpanData p1 = attempts.get(0);
    assertEquals("p1", p1.getAttributes().get(AttributeKey.stringKey("rpcshield.upstream")));
    assertEquals(StatusCode.ERROR, p1.getStatus().getStatusCode());
    assertEquals(
        "00-" + CLIENT_TRACE + "-" + p1.getSpanId() + "-01",
        first.traceparent(),
        "the upstream is sent the attempt's own span as its parent");
    assertNotEquals(first.traceparent(), hedge.traceparent());
  }

  @Test
  void underASpanTheContainerMadeTheRequestIsItsChild() {
    io.opentelemetry.api.trace.Span container =
        recorded.tracer().spanBuilder("POST /").setSpanKind(SpanKind.SERVER).startSpan();
    try (var scope = container.makeCurrent()) {
      Tracing.of(recorded.tracer(), "jsonrpc", CLIENT, null, "req-9").end();
    } finally {
      container.end();
    }
    SpanData request = recorded.named("jsonrpc").get(0);
    assertEquals(SpanKind.INTERNAL, request.getKind(), "one server span per request");
    assertEquals(container.getSpanContext().getSpanId(), request.getParentSpanId());
  }

  @Test
  void withoutAClientTraceparentARequestStartsATraceOfItsOwn() {
    Trace request = Tracing.of(recorded.tracer(), "jsonrpc", "garbage", null, "req-8");
    request.end();
    SpanData server = recorded.named("jsonrpc").get(0);
    assertFalse(server.getParentSpanContext().isValid(), "a root span");
    assertTrue(Trace.valid(request.traceparent()));
  }

  @Test
  void tracesAreOnWhenAnOtlpEndpointIsSetAndNeverExportMetricsOrLogs() {
    TracingDefaults none = new TracingDefaults(Map.of());
    assertEquals("true", none.getValue("otel.sdk.disabled"));
    TracingDefaults set =
        new TracingDefaults(Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:4318"));
    assertEquals("false", set.getValue("otel.sdk.disabled"));
    assertEquals("none", set.getValue("otel.metrics.exporter"));
    assertEquals("none", set.getValue("otel.logs.exporter"));
    assertEquals(
        "false",
        new TracingDefaults(Map.of("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "http://c:4318/v1/traces"))
            .getValue("otel.sdk.disabled"));
    assertEquals(
        "true",
        new TracingDefaults(Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", " "))
            .getValue("otel.sdk.disabled"));
    assertTrue(set.getOrdinal() < 100, "below microprofile-config.properties and the environment");
  }
}
