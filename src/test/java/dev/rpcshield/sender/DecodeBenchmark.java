package dev.rpcshield.sender;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Decode + sender recovery cost per transaction type (not a test; run by hand): {@code mvn -q
 * test-compile exec:java -Dexec.mainClass=dev.rpcshield.sender.DecodeBenchmark
 * -Dexec.classpathScope=test}. Warms up, then reports microseconds per transaction.
 */
public final class DecodeBenchmark {
  private DecodeBenchmark() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> corpus = new LinkedHashMap<>();
    corpus.put("legacy (EIP-155)", TestTransactions.legacy(TestTransactions.ALICE, 1, 31337));
    corpus.put("EIP-2930", TestTransactions.eip2930(TestTransactions.ALICE, 1, 31337));
    corpus.put("EIP-1559", TestTransactions.eip1559(TestTransactions.ALICE, 1, 31337));
    corpus.put("EIP-4844 plain", TestTransactions.eip4844Plain(TestTransactions.ALICE, 1));
    corpus.put(
        "EIP-4844 network form (1 blob)",
        TestTransactions.eip4844Network(TestTransactions.ALICE, 1));
    corpus.put("EIP-7702", TestTransactions.eip7702(TestTransactions.ALICE, 1));
    RawTransactionDecoder decoder = new RawTransactionDecoder(Set.of(31337L), false);
    for (Map.Entry<String, String> e : corpus.entrySet()) {
      int warm = e.getKey().contains("network") ? 200 : 5_000;
      for (int i = 0; i < warm; i++) {
        decoder.decode(e.getValue());
      }
      int n = e.getKey().contains("network") ? 500 : 20_000;
      long t = System.nanoTime();
      for (int i = 0; i < n; i++) {
        decoder.decode(e.getValue());
      }
      System.out.printf("%-32s %8.1f us/tx%n", e.getKey(), (System.nanoTime() - t) / 1000.0 / n);
    }
  }
}
