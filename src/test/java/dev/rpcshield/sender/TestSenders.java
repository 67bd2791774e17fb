package dev.rpcshield.sender;

/** The sender of the test transactions, for tests outside this package. */
public final class TestSenders {
  /** The address {@link TestTransactionsAccess#eip1559()} is signed by. */
  public static final String ALICE = TestTransactions.ALICE_ADDRESS;

  private TestSenders() {}
}
