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
import org.apache.hc.client5.http.async.methods.SimpleHttpRequest;
import org.apache.hc.client5.http.async.methods.SimpleHttpResponse;
import org.apache.hc.client5.http.async.methods.SimpleRequestBuilder;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.client5.http.impl.async.CloseableHttpAsyncClient;
import org.apache.hc.client5.http.impl.async.HttpAsyncClients;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.client5.http.impl.nio.PoolingAsyncClientConnectionManagerBuilder;
import org.apache.hc.core5.concurrent.FutureCallback;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.hc.core5.io.CloseMode;

/**
 * The bare Liberty peers of bench/run's scenario (j): what the platform serves with no gateway
 * work, on the same runtime and JVM options as the gateway. {@code /constant} answers a fixed
 * JSON-RPC result; {@code /blocking} proxies the body to the stub on Liberty's own thread with
 * HttpClient 5 classic; {@code /async} has RpcShield's servlet shape: read the body, startAsync,
 * forward on a virtual thread with the same classic client, complete; {@code /nio} tries HttpClient
 * 5's async client instead: startAsync, send on its I/O reactor, complete in the callback, no
 * thread of our own. The stub's URL is the {@code peer.upstream} system property.
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
  private final transient CloseableHttpAsyncClient nio =
      HttpAsyncClients.custom()
          .setConnectionManager(
              PoolingAsyncClientConnectionManagerBuilder.create()
                  .setMaxConnTotal(512)
                  .setMaxConnPerRoute(512)
                  .build())
          .build();
  private final transient ExecutorService work = Executors.newVirtualThreadPerTaskExecutor();

  @Override
  public void init() {
    nio.start();
  }

  @Override
  public void destroy() {
    work.shutdown();
    nio.close(CloseMode.GRACEFUL);
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
      case "/nio" -> forwardAsync(req.startAsync(), body);
      default -> resp.sendError(404);
    }
  }

  private byte[] forward(byte[] body) throws IOException {
    HttpPost post = new HttpPost(upstream);
    post.setEntity(new ByteArrayEntity(body, ContentType.APPLICATION_JSON));
    return client.execute(post, response -> EntityUtils.toByteArray(response.getEntity()));
  }

  private void forwardAsync(AsyncContext async, byte[] body) {
    async.setTimeout(0);
    HttpServletResponse resp = (HttpServletResponse) async.getResponse();
    SimpleHttpRequest post =
        SimpleRequestBuilder.post(upstream).setBody(body, ContentType.APPLICATION_JSON).build();
    nio.execute(
        post,
        new FutureCallback<SimpleHttpResponse>() {
          @Override
          public void completed(SimpleHttpResponse answer) {
            try {
              write(resp, answer.getBodyBytes());
            } catch (IOException e) {
              resp.setStatus(502);
            } finally {
              async.complete();
            }
          }

          @Override
          public void failed(Exception e) {
            resp.setStatus(502);
            async.complete();
          }

          @Override
          public void cancelled() {
            failed(null);
          }
        });
  }

  private static void write(HttpServletResponse resp, byte[] answer) throws IOException {
    resp.setContentType("application/json");
    resp.setContentLength(answer.length);
    resp.getOutputStream().write(answer);
  }
}
