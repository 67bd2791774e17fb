package dev.rpcshield.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.ibm.websphere.logging.hpel.LogRecordContext;
import dev.rpcshield.identity.AccountView;
import dev.rpcshield.identity.Caller;
import dev.rpcshield.jsonrpc.Refusal;
import dev.rpcshield.jsonrpc.RpcError;
import dev.rpcshield.jsonrpc.RpcErrorCode;
import dev.rpcshield.ratewatch.Ratewatch;
import dev.rpcshield.telemetry.RequestMetrics;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The one recording point, with fakes of the metric and ratewatch and the real event log: each
 * refusal is counted once by class, logged once, and counted once against the right series.
 */
class RefusalsTest {
  private static final Logger EVENTS = Logger.getLogger("dev.rpcshield.events");

  private final List<String> counted = new ArrayList<>();
  private final List<String> watched = new ArrayList<>();
  private final List<Map<String, String>> logged = new ArrayList<>();
  private final Refusals refusals = new Refusals();
  private final Handler capture =
      new Handler() {
        @Override
        public void publish(LogRecord r) {
          Map<String, String> fields = new HashMap<>();
          LogRecordContext.getExtensions(fields);
          fields.put("message", r.getMessage());
          logged.add(fields);
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
      };

  @BeforeEach
  void wire() {
    refusals.metrics =
        new RequestMetrics() {
          @Override
          public void refusal(String refusalClass) {
            counted.add(refusalClass);
          }
        };
    refusals.ratewatch =
        new Ratewatch() {
          @Override
          public void refused(Caller caller, String sender) {
            watched.add(
                sender != null
                    ? "sender " + sender
                    : caller.account() != null
                        ? "user " + caller.account().accountId()
                        : "ip " + caller.clientIp());
          }
        };
    EVENTS.setLevel(Level.INFO);
    EVENTS.addHandler(capture);
  }

  @AfterEach
  void unwire() {
    EVENTS.removeHandler(capture);
  }

  @Test
  void anAdmissionRefusalThatUsedToLogNothingIsCountedLoggedAndWatched() {
    Caller anonymous = new Caller("203.0.113.7", "rpcs_secretkeyvalue", null);
    refusals.record(
        anonymous,
        "req-1",
        "-",
        Refusal.of(RpcError.of(RpcErrorCode.UNAUTHORIZED, "API key is unknown"), "key"));

    assertEquals(List.of("key"), counted);
    assertEquals(List.of("ip 203.0.113.7"), watched);
    assertEquals(1, logged.size());
    Map<String, String> line = logged.get(0);
    assertEquals("refusal", line.get("event"));
    assertEquals("req-1", line.get("requestId"));
    assertEquals("ip", line.get("identity"));
    assertEquals("-", line.get("method"));
    assertEquals("key", line.get("refusal"));
    assertEquals("refused - (key): unauthorized: API key is unknown", line.get("message"));
    assertFalse(line.toString().contains("rpcs_secretkeyvalue"), "no key in the line: " + line);
  }

  @Test
  void aRefusalCountsAgainstItsSenderElseTheAccountElseTheAddress() {
    UUID account = UUID.randomUUID();
    Caller keyed =
        new Caller("203.0.113.8", "k", new AccountView(account, UUID.randomUUID(), null));
    RpcError limited = RpcError.of(RpcErrorCode.SENDER_OVER_LIMIT, "retry in 3 s");
    refusals.record(
        keyed, "req-2", "eth_sendRawTransaction", new Refusal(limited, "sender", "0xab"));
    refusals.record(
        keyed,
        "req-2",
        "eth_getLogs",
        Refusal.of(RpcError.of(RpcErrorCode.LOGS_TOO_LARGE, "over 10000 blocks"), "getlogs"));

    assertEquals(List.of("sender", "getlogs"), counted);
    assertEquals(List.of("sender 0xab", "user " + account), watched);
    assertEquals(2, logged.size());
    assertEquals("key", logged.get(1).get("identity"));
    assertEquals("eth_getLogs", logged.get(1).get("method"));
    assertEquals("getlogs", logged.get(1).get("refusal"));
  }
}
