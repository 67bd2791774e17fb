package dev.rpcshield.telemetry;

import java.util.regex.Pattern;

/**
 * One span of a request's trace, as the gateway's stages see it: children for the work that can
 * take time, a W3C {@code traceparent} to send upstream, and an end. When tracing is off it is a
 * {@link #passing} value (or {@link #NONE} when the client sent none), which records nothing and
 * hands on the client's own {@code traceparent}, so an upstream still joins the client's trace.
 */
public interface Trace {

  /** A W3C {@code traceparent} of version 00, trace and parent ids not all zeros. */
  Pattern TRACEPARENT =
      Pattern.compile("00-(?!0{32})[0-9a-f]{32}-(?!0{16})[0-9a-f]{16}-[0-9a-f]{2}");

  /** Nothing recorded and nothing handed on. */
  Trace NONE = handingOn(null);

  /** A span of this one's for a stage ({@code rpcshield.admission}, {@code rpcshield.cache}...). */
  Trace child(String name);

  /** A span of this one's for a call to {@code upstream}, whose {@link #traceparent} it is sent. */
  Trace upstream(String upstream, String method);

  /** Sets an attribute of the span. */
  Trace attribute(String key, String value);

  /** Sets a numeric attribute of the span. */
  Trace attribute(String key, long value);

  /** Marks the span as failed, for {@code reason} (no secret, no host). */
  void failed(String reason);

  void end();

  /** The {@code traceparent} header to send to an upstream for this span; null for none. */
  String traceparent();

  /** Whether the span is recorded (false: tracing is off, and every call here is free). */
  boolean recording();

  /**
   * A trace that records nothing and hands {@code traceparent} on (to every upstream of the
   * request) when it is a valid W3C one.
   */
  static Trace passing(String traceparent) {
    return valid(traceparent) ? handingOn(traceparent) : NONE;
  }

  private static Trace handingOn(String valid) {
    return new Trace() {
      @Override
      public Trace child(String name) {
        return this;
      }

      @Override
      public Trace upstream(String upstream, String method) {
        return this;
      }

      @Override
      public Trace attribute(String key, String value) {
        return this;
      }

      @Override
      public Trace attribute(String key, long value) {
        return this;
      }

      @Override
      public void failed(String reason) {}

      @Override
      public void end() {}

      @Override
      public String traceparent() {
        return valid;
      }

      @Override
      public boolean recording() {
        return false;
      }
    };
  }

  /** Whether {@code traceparent} is a header value worth taking and sending on. */
  static boolean valid(String traceparent) {
    return traceparent != null
        && traceparent.length() == 55
        && TRACEPARENT.matcher(traceparent).matches();
  }
}
