import jakarta.servlet.AsyncContext;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.http.io.entity.EntityUtils;

/**
 * The bare Liberty peers of bench/run's scenario (j): what the platform serves with no gateway
 * work, on the same runtime and JVM options as the gateway. {@code /constant} answers a fixed
 * JSON-RPC result; {@code /blocking} proxies the body to the stub on Liberty's own thread with
 * HttpClient 5 classic; {@code /async} has RpcShield's shape: read the body, startAsync, forward on
 * a virtual thread with the same client, complete. The stub's URL is the {@code peer.upstream}
 * system property.
 */
@WebServlet(urlPatterns = "/*", asyncSupported = true)
public class PeerServlet extends HttpServlet {
  private static final long serialVersionUID = 1L;
  private static final byte[] CONSTANT =
      "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":\"0x1\"}".getBytes(StandardCharsets.US_ASCII);

  private final transient String upstream = System.getProperty("peer.upstream");
  private final transient CloseableHttpClient client =
      HttpClients.custom()
          .setConnectionManager(
              PoolingHttpClientConnectionManagerBuilder.create()
                  .setMaxConnTotal(512)
                  .setMaxConnPerRoute(512)
                  .build())
          .build();
  private final transient ExecutorService work = Executors.newVirtualThreadPerTaskExecutor();

  @Override
  public void destroy() {
    work.shutdown();
  }

  @Override
  protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
    byte[] body;
    try (InputStream in = req.getInputStream()) {
      body = in.readAllBytes();
    }
    switch (req.getRequestURI()) {
      case "/constant" -> write(resp, CONSTANT);
      case "/blocking" -> write(resp, forward(body));
      case "/async" -> {
        AsyncContext async = req.startAsync();
        async.setTimeout(0);
        work.execute(() -> {
          try {
            write((HttpServletResponse) async.getResponse(), forward(body));
          } catch (IOException e) {
            ((HttpServletResponse) async.getResponse()).setStatus(502);
          } finally {
            async.complete();
          }
        });
      }
      default -> resp.sendError(404);
    }
  }

  private byte[] forward(byte[] body) throws IOException {
    HttpPost post = new HttpPost(upstream);
    post.setEntity(new ByteArrayEntity(body, ContentType.APPLICATION_JSON));
    return client.execute(post, response -> EntityUtils.toByteArray(response.getEntity()));
  }

  private static void write(HttpServletResponse resp, byte[] answer) throws IOException {
    resp.setContentType("application/json");
    resp.setContentLength(answer.length);
    resp.getOutputStream().write(answer);
  }
}
