package io.mailroom.console;

import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.Router;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * The console's static files, served from the jar under {@code /console/assets/}: htmx (from its
 * webjar), the style sheet and the small script of the pages.
 */
final class Assets {
  private static final String HTMX = "META-INF/resources/webjars/htmx.org/2.0.4/dist/htmx.min.js";
  private static final Map<String, String[]> FILES = Map.of(
      "htmx.min.js", new String[] {HTMX, "text/javascript; charset=utf-8"},
      "console.css", new String[] {"console/assets/console.css", "text/css; charset=utf-8"},
      "console.js", new String[] {"console/assets/console.js", "text/javascript; charset=utf-8"});

  private Assets() {
  }

  static void mount(Router router) {
    FILES.forEach((name, file) -> {
      Buffer bytes = read(file[0]);
      router.get("/assets/" + name).handler(rc -> rc.response().putHeader("Content-Type", file[1])
          .putHeader("Cache-Control", "public, max-age=3600").end(bytes));
    });
  }

  private static Buffer read(String resource) {
    try (InputStream in = Assets.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException(resource + " is missing from the jar");
      }
      return Buffer.buffer(in.readAllBytes());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
