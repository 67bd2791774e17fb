package dev.rpcshield.sender;

import dev.rpcshield.sender.InvalidTransactionException.Reason;
import java.math.BigInteger;
import java.util.HexFormat;
import java.util.Set;
import org.web3j.crypto.Keys;

/**
 * Decodes the param of eth_sendRawTransaction and recovers its sender, for every form a node
 * accepts: legacy (with and without EIP-155), EIP-2930, EIP-1559, EIP-4844 (the signed payload
 * alone, and both network forms, EIP-4844's {@code [tx, blobs, commitments, proofs]} and EIP-7594's
 * {@code [tx, wrapper_version, blobs, commitments, cell_proofs]}) and EIP-7702.
 *
 * <p>The fields are read in place from the client's bytes ({@link TransactionFields}) and the
 * signing hash is taken over them as sent ({@link TransactionSignature}), never over objects
 * encoded again: web3j's decoder drops a blob transaction's access list and so recovers a wrong
 * sender, and re-encoding would copy the blobs. Blobs, commitments and proofs are left to the node;
 * only Keccak and the secp256k1 recovery are web3j's.
 */
public final class RawTransactionDecoder {
  private final Set<Long> allowedChainIds;
  private final boolean allowUnprotected;

  /**
   * @param allowedChainIds chains a transaction may be signed for; empty allows any
   * @param allowUnprotected whether pre-EIP-155 legacy transactions (no chain id) pass when {@code
   *     allowedChainIds} is set (default false: they could be replayed on any chain)
   */
  public RawTransactionDecoder(Set<Long> allowedChainIds, boolean allowUnprotected) {
    this.allowedChainIds = Set.copyOf(allowedChainIds);
    this.allowUnprotected = allowUnprotected;
  }

  /**
   * The recipient of a signed transaction, lowercase 0x-hex, or {@code null} for a contract
   * creation. Read without recovering the signer: what a contract allowlist checks.
   */
  public String recipient(String hex) throws InvalidTransactionException {
    return TransactionFields.of(hex).recipient();
  }

  public SignedTransaction decode(String hex) throws InvalidTransactionException {
    TransactionFields tx = TransactionFields.of(hex);
    BigInteger nonce = Rlp.scalar(tx.raw(), tx.nonce(), 8, "nonce");
    TransactionSignature signature = TransactionSignature.of(tx);
    checkChain(signature.chainId());
    BigInteger key = signature.signer();
    return new SignedTransaction(
        "0x" + Keys.getAddress(key),
        nonce,
        signature.chainId(),
        tx.type(),
        "0x" + HexFormat.of().formatHex(tx.hash()));
  }

  private void checkChain(Long chainId) throws InvalidTransactionException {
    if (allowedChainIds.isEmpty()) {
      return;
    }
    if (chainId == null && !allowUnprotected) {
      throw new InvalidTransactionException(
          Reason.CHAIN_NOT_ALLOWED,
          "transaction has no chain id (pre-EIP-155); sign it for chain " + allowedChainIds);
    }
    if (chainId != null && !allowedChainIds.contains(chainId)) {
      throw new InvalidTransactionException(
          Reason.CHAIN_NOT_ALLOWED,
          "chain id " + chainId + " is not served here; allowed: " + allowedChainIds);
    }
  }
}
