package dev.rpcshield.testing;

import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * OpenTelemetry's own SDK recording every span that ends, as Liberty's mpTelemetry records them,
 * for the tests to read.
 */
public final class RecordedSpans {
  private final List<SpanData> ended = new ArrayList<>();
  private final SdkTracerProvider provider =
      SdkTracerProvider.builder()
          .addSpanProcessor(
              SimpleSpanProcessor.create(
                  new SpanExporter() {
                    @Override
                    public CompletableResultCode export(Collection<SpanData> spans) {
                      synchronized (ended) {
                        ended.addAll(spans);
                      }
                      return CompletableResultCode.ofSuccess();
                    }

                    @Override
                    public CompletableResultCode flush() {
                      return CompletableResultCode.ofSuccess();
                    }

                    @Override
                    public CompletableResultCode shutdown() {
                      return CompletableResultCode.ofSuccess();
                    }
                  }))
          .build();

  public Tracer tracer() {
    return provider.get("test");
  }

  /** The spans ended so far, in the order they ended. */
  public List<SpanData> spans() {
    synchronized (ended) {
      return List.copyOf(ended);
    }
  }

  /** The ended spans named {@code name}. */
  public List<SpanData> named(String name) {
    return spans().stream().filter(s -> s.getName().equals(name)).toList();
  }
}
