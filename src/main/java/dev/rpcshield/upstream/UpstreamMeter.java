package dev.rpcshield.upstream;

/**
 * Counts what happens at the upstreams, for the metrics operators chart: each attempt (by method
 * and outcome, with its duration) and each change of an upstream's state. The metrics live with the
 * other published ones, behind this port, as do hedges and the hedges that won. Outcomes and states
 * are fixed sets; the method is the call's own, for the implementation to name within bounds.
 */
public interface UpstreamMeter {

  /**
   * One attempt at {@code upstream} of {@code network} ended after {@code millis}: {@code method}
   * is the call's ({@code batch} for several), {@code outcome} {@code ok}, {@code error} (the
   * chain's error answer) or the failure's kind in lower case.
   */
  void attempt(String network, String upstream, String method, String outcome, long millis);

  /** {@code upstream} of {@code network} went to state {@code to} (as its event log line says). */
  void stateChanged(String network, String upstream, String to);

  /** A hedge of a request was sent to {@code upstream} of {@code network}. */
  void hedged(String network, String upstream);

  /** A hedge's answer, given by {@code upstream} of {@code network}, was the one used. */
  void hedgeWon(String network, String upstream);

  /** Counts nothing: a network built outside the application (tests, tools). */
  UpstreamMeter NONE =
      new UpstreamMeter() {
        @Override
        public void attempt(
            String network, String upstream, String method, String outcome, long millis) {}

        @Override
        public void stateChanged(String network, String upstream, String to) {}

        @Override
        public void hedged(String network, String upstream) {}

        @Override
        public void hedgeWon(String network, String upstream) {}
      };
}
