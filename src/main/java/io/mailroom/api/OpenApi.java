package io.mailroom.api;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The OpenAPI 3.1 document of the API ({@code src/main/resources/openapi.yaml}), served as it is, and
 * the list of a router's routes that a test holds against it.
 */
public final class OpenApi {
  private static final Buffer DOCUMENT = read();

  private OpenApi() {
  }

  static Buffer document() {
    return DOCUMENT;
  }

  private static Buffer read() {
    try (InputStream in = OpenApi.class.getResourceAsStream("/openapi.yaml")) {
      if (in == null) {
        throw new IllegalStateException("openapi.yaml is missing from the jar");
      }
      return Buffer.buffer(in.readAllBytes());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code "METHOD /path"} for each route with a path and methods (catch-all handlers left out). */
  static List<String> routes(Router router) {
    List<String> routes = new ArrayList<>();
    for (Route route : router.getRoutes()) {
      if (route.getPath() == null || route.methods() == null || route.methods().isEmpty()) {
        continue;
      }
      for (HttpMethod method : route.methods()) {
        routes.add(method.name() + " " + route.getPath());
      }
    }
    return routes;
  }
}
