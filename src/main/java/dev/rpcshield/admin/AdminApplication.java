package dev.rpcshield.admin;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;

/** The admin REST API at {@code /admin/api}, behind {@link AdminTokenFilter}. */
@ApplicationPath("/admin/api")
public class AdminApplication extends Application {}
