package dev.rpcshield.verify;

import java.math.BigInteger;
import java.util.Map;

/**
 * An account as its state proof proves it, read from the trie's leaves rather than from the
 * answer's own fields. An absent account is proven as nonce 0, balance 0, the empty trie's root and
 * the hash of empty code.
 *
 * @param nonce the account's nonce
 * @param balance its balance in wei
 * @param storageRoot the root of its storage trie, 32 bytes
 * @param codeHash the Keccak-256 of its code, 32 bytes
 * @param storage each slot asked, as 32 bytes of big-endian lower-case {@code 0x} hex (66
 *     characters), to its proven value (zero for a slot never set), in the order asked
 */
public record ProvenAccount(
    BigInteger nonce,
    BigInteger balance,
    byte[] storageRoot,
    byte[] codeHash,
    Map<String, BigInteger> storage) {}
