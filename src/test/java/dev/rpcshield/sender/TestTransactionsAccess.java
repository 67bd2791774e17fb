package dev.rpcshield.sender;

/** Signed test transactions for tests outside this package. */
public final class TestTransactionsAccess {
  private TestTransactionsAccess() {}

  /** An EIP-1559 transfer to {@code 0x…dEaD} on chain 31337. */
  public static String eip1559() {
    return TestTransactions.eip1559(TestTransactions.ALICE, 0, TestTransactions.CHAIN);
  }
}
