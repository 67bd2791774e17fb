package dev.rpcshield.account;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/** One admin change: who, what, on what, when. */
@Entity
@Table(name = "audit_record")
public class AuditRecord {
  @Id private UUID id;

  @Column(nullable = false, length = 100)
  private String actor;

  @Column(nullable = false, length = 64)
  private String action;

  @Column(length = 100)
  private String target;

  @Column(length = 2000)
  private String detail;

  @Column(nullable = false)
  private Instant at;

  protected AuditRecord() {}

  public AuditRecord(String actor, String action, String target, String detail, Instant at) {
    this.id = UUID.randomUUID();
    this.actor = actor;
    this.action = action;
    this.target = target;
    this.detail = detail;
    this.at = at;
  }

  public String getActor() {
    return actor;
  }

  public String getAction() {
    return action;
  }

  public String getTarget() {
    return target;
  }

  public String getDetail() {
    return detail;
  }

  public Instant getAt() {
    return at;
  }
}
