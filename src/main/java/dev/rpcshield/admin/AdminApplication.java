package dev.rpcshield.admin;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;
import org.eclipse.microprofile.openapi.annotations.OpenAPIDefinition;
import org.eclipse.microprofile.openapi.annotations.enums.SecuritySchemeType;
import org.eclipse.microprofile.openapi.annotations.info.Info;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.security.SecurityScheme;

/**
 * The admin REST API at {@code /admin/api}, behind {@link AdminTokenFilter}; described by Liberty's
 * MicroProfile OpenAPI at {@code /openapi} on the ops port.
 */
@ApplicationPath("/admin/api")
@OpenAPIDefinition(
    info =
        @Info(
            title = "RpcShield admin API",
            version = "1",
            description =
                "Accounts, keys, allowlists, the blocklist, usage, the configuration and the"
                    + " upstreams of an RpcShield gateway. Every call needs the admin token."),
    security = @SecurityRequirement(name = "adminToken"))
@SecurityScheme(
    securitySchemeName = "adminToken",
    type = SecuritySchemeType.HTTP,
    scheme = "bearer",
    description = "rpcshield.admin.token")
public class AdminApplication extends Application {}
