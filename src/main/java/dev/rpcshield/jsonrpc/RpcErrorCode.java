package dev.rpcshield.jsonrpc;

/**
 * The JSON-RPC error codes a client can see from RpcShield, with the HTTP status a single request
 * answered with that error gets (for an error {@linkplain #aboutTheCall() about the call itself},
 * the status it gets with {@code rpcshield.http.call-errors-status=4xx}). The codes are a public
 * contract (docs/errors.md).
 */
public enum RpcErrorCode {
  PARSE_ERROR(-32700, 400, "parse error"),
  INVALID_REQUEST(-32600, 400, "invalid request"),
  INVALID_PARAMS(-32602, 400, "invalid params", true),
  INTERNAL_ERROR(-32603, 500, "internal error"),
  METHOD_NOT_ALLOWED(-32601, 403, "the method does not exist/is not available", true),
  RATE_LIMITED(-32005, 429, "rate limit exceeded"),
  NO_UPSTREAM(-32011, 503, "no upstream available"),
  RESPONSE_TOO_LARGE(-32012, 502, "upstream response too large"),
  BATCH_TOO_LARGE(-32014, 400, "batch too large"),
  UPSTREAM_TIMEOUT(-32015, 504, "upstream timeout"),
  LOGS_TOO_LARGE(-32016, 400, "eth_getLogs query over the gateway's limits", true),
  SENDER_OVER_LIMIT(-32017, 429, "sender is over rate limit", true),
  LOGS_INCOMPLETE(-32018, 502, "eth_getLogs could not be completed"),
  BODY_TOO_LARGE(-32021, 413, "request body too large"),
  UNAUTHORIZED(-32030, 401, "unauthorized"),
  FORBIDDEN(-32031, 403, "forbidden"),
  ACCOUNTS_UNAVAILABLE(-32032, 503, "the API key cannot be checked now"),
  NOT_ALLOWLISTED(-32033, 403, "refused by the API key's allowlist", true),
  UNVERIFIED(-32040, 502, "answer could not be verified"),
  UPSTREAMS_DISAGREE(-32041, 502, "upstreams disagree");

  private final int code;
  private final int httpStatus;
  private final String defaultMessage;
  private final boolean aboutTheCall;

  RpcErrorCode(int code, int httpStatus, String defaultMessage) {
    this(code, httpStatus, defaultMessage, false);
  }

  RpcErrorCode(int code, int httpStatus, String defaultMessage, boolean aboutTheCall) {
    this.code = code;
    this.httpStatus = httpStatus;
    this.defaultMessage = defaultMessage;
    this.aboutTheCall = aboutTheCall;
  }

  public int code() {
    return code;
  }

  /** HTTP status of a response that carries only this error (a single request, not a batch). */
  public int httpStatus() {
    return httpStatus;
  }

  /**
   * Whether the error concerns the call itself (its method, parameters, contract or sender), as a
   * node's call errors do, rather than the caller, the body or the upstreams: a single request
   * refused so is answered with HTTP 200 unless {@code rpcshield.http.call-errors-status} is {@code
   * 4xx}.
   */
  public boolean aboutTheCall() {
    return aboutTheCall;
  }

  public String defaultMessage() {
    return defaultMessage;
  }
}
