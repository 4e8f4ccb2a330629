package io.mailroom.http;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * The container's health check, so that the image needs no curl:
 * {@code java -cp mailroom.jar io.mailroom.http.HealthProbe [port]} asks
 * {@code http://127.0.0.1:<port>/health/live} on the management port ({@code MAILROOM_MANAGEMENT_PORT},
 * else 8081) and exits 0 on a 200, 1 otherwise.
 */
public final class HealthProbe {
  private static final int DEFAULT_PORT = 8081;

  private HealthProbe() {
  }

  public static void main(String[] args) {
    String given = args.length > 0 ? args[0] : System.getenv("MAILROOM_MANAGEMENT_PORT");
    int port;
    try {
      port = given == null || given.isBlank() ? DEFAULT_PORT : Integer.parseInt(given.trim());
    } catch (NumberFormatException e) {
      System.err.println("health: not a port: " + given);
      System.exit(1);
      return;
    }
    System.exit(live(port) ? 0 : 1);
  }

  /** True when the node on {@code port} of this host answers {@code /health/live} with a 200 within 2 s. */
  public static boolean live(int port) {
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health/live"))
        .timeout(Duration.ofSeconds(2)).GET().build();
    try {
      return client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
