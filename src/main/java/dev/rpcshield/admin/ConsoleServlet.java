package dev.rpcshield.admin;

import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;

/**
 * The admin console at {@code /admin/}: its page, script and style from the WAR, with uPlot
 * (vendored, MIT, {@code uPlot.LICENSE} beside it) for the charts. The page holds no data of its
 * own; it reads the admin API with the token the operator types, kept in the browser tab's session
 * storage only. Strict headers: same-origin scripts only, no framing, no caching of the page.
 */
@WebServlet(urlPatterns = "/admin/*")
public class ConsoleServlet extends HttpServlet {
  private static final Map<String, String> FILES =
      Map.of(
          "/", "index.html",
          "/index.html", "index.html",
          "/console.js", "console.js",
          "/console.css", "console.css",
          "/uPlot.iife.min.js", "uPlot.iife.min.js",
          "/uPlot.min.css", "uPlot.min.css");
  private static final Map<String, String> TYPES =
      Map.of(
          "html", "text/html;charset=UTF-8",
          "js", "text/javascript;charset=UTF-8",
          "css", "text/css;charset=UTF-8");

  @Override
  protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
    String path = req.getPathInfo();
    if (path == null) {
      resp.sendRedirect(req.getContextPath() + "/admin/");
      return;
    }
    String file = FILES.get(path);
    if (file == null) {
      resp.sendError(404);
      return;
    }
    try (InputStream in = ConsoleServlet.class.getResourceAsStream("console/" + file)) {
      if (in == null) {
        resp.sendError(404);
        return;
      }
      byte[] body = in.readAllBytes();
      resp.setContentType(TYPES.get(file.substring(file.lastIndexOf('.') + 1)));
      resp.setHeader(
          "Content-Security-Policy",
          "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self';"
              + " img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'");
      resp.setHeader("X-Content-Type-Options", "nosniff");
      resp.setHeader("Referrer-Policy", "no-referrer");
      resp.setHeader("Cache-Control", "no-store");
      resp.setContentLength(body.length);
      resp.getOutputStream().write(body);
    }
  }
}
