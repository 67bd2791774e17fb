package dev.rpcshield.account;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/** An IP address or CIDR block refused before anything else is done. */
@Entity
@Table(name = "blocked_address")
public class BlockedAddress {
  @Id private UUID id;

  @Column(nullable = false, length = 64)
  private String cidr;

  @Column(length = 500)
  private String reason;

  @Column(name = "created_at", nullable = false)
  private Instant createdAt;

  @Column(name = "expires_at")
  private Instant expiresAt;

  protected BlockedAddress() {}

  public BlockedAddress(UUID id, String cidr, String reason, Instant now, Instant expiresAt) {
    this.id = id;
    this.cidr = cidr;
    this.reason = reason;
    this.createdAt = now;
    this.expiresAt = expiresAt;
  }

  public UUID getId() {
    return id;
  }

  public String getCidr() {
    return cidr;
  }

  public String getReason() {
    return reason;
  }

  public Instant getCreatedAt() {
    return createdAt;
  }

  public Instant getExpiresAt() {
    return expiresAt;
  }
}
