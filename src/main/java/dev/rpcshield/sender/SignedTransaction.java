package dev.rpcshield.sender;

import java.math.BigInteger;

/**
 * What the gateway learns from a signed transaction before any upstream sees it.
 *
 * @param sender recovered signer, lowercase 0x-hex
 * @param nonce the sender's nonce
 * @param chainId the chain id it is signed for, or {@code null} for a pre-EIP-155 legacy one
 * @param type 0 legacy, 1 EIP-2930, 2 EIP-1559, 3 EIP-4844, 4 EIP-7702
 * @param hash the transaction hash a node will report (for blob transactions in network form, the
 *     hash of the transaction without its blobs)
 */
public record SignedTransaction(
    String sender, BigInteger nonce, Long chainId, int type, String hash) {}
